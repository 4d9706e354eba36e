namespace QuantaSeal.Crypto.Envelope;

/// <summary>What <see cref="HybridEnvelopeSealer"/> seals.</summary>
/// <param name="TenantId">The tenant (signed, and in the AES-GCM AAD).</param>
/// <param name="RecipientKeyId">The id of the registered recipient key (signed).</param>
/// <param name="RecipientPublicKey">The recipient's 1184-byte ML-KEM-768 public key.</param>
/// <param name="AuditEventId">The audit event of this call (signed, and in the AAD).</param>
/// <param name="Success">Whether the call succeeded (signed).</param>
/// <param name="Plaintext">The payload, normally the upstream result as UTF-8 JSON.</param>
/// <param name="Error">Optional error summary for <c>success:false</c> (signed in v2, a hint in v1).</param>
/// <param name="Binding">When set, the envelope is v2: bound to the request hash and the time of issue. Null seals v1.</param>
/// <param name="NextCursor">v2 only: the <c>paging.next_cursor</c> to sign, if any.</param>
/// <param name="RateLimit">v2 only: the <c>rate_limit</c> values to sign, if any (names and values as strings).</param>
public sealed record EnvelopeSealInput(
    string TenantId,
    string RecipientKeyId,
    byte[] RecipientPublicKey,
    string AuditEventId,
    bool Success,
    ReadOnlyMemory<byte> Plaintext,
    EnvelopeError? Error = null,
    EnvelopeBinding? Binding = null,
    string? NextCursor = null,
    IReadOnlyDictionary<string, string>? RateLimit = null);
