namespace QuantaSeal.Crypto.Envelope;

/// <summary>What <see cref="HybridEnvelopeSealer"/> seals.</summary>
/// <param name="TenantId">The tenant (signed, and in the AES-GCM AAD).</param>
/// <param name="RecipientKeyId">The id of the registered recipient key (signed).</param>
/// <param name="RecipientPublicKey">The recipient's 1184-byte ML-KEM-768 public key.</param>
/// <param name="AuditEventId">The audit event of this call (signed, and in the AAD).</param>
/// <param name="Success">Whether the call succeeded (signed).</param>
/// <param name="Plaintext">The payload, normally the upstream result as UTF-8 JSON.</param>
/// <param name="Error">Optional unsigned error summary for <c>success:false</c>.</param>
public sealed record EnvelopeSealInput(
    string TenantId,
    string RecipientKeyId,
    byte[] RecipientPublicKey,
    string AuditEventId,
    bool Success,
    ReadOnlyMemory<byte> Plaintext,
    EnvelopeError? Error = null);
