namespace QuantaSeal.Abstractions.Envelopes;

/// <summary>What to seal.</summary>
/// <param name="RecipientKeyId">The recipient key to seal to, or null for the tenant's most recently registered active key.</param>
/// <param name="AuditEventId">The audit event the envelope is bound to (AAD and signed bytes).</param>
/// <param name="Success">Whether the call succeeded (signed).</param>
/// <param name="Plaintext">UTF-8 JSON payload.</param>
/// <param name="ErrorType">Stable error type when <paramref name="Success"/> is false.</param>
/// <param name="ErrorMessage">Non-secret error description.</param>
/// <param name="UpstreamStatus">Upstream HTTP status, if any.</param>
/// <param name="MaterialVersion">
/// The tenant's sealing-material version (<see cref="Tenants.SealingMaterial.KeyVersion"/>) the caller read at the start of
/// this call, or null. When set, the sealer may seal with material it already holds at this version or newer instead of
/// asking the tenant grain again (one fetch per proxied call); when null, it fetches the current material.
/// </param>
[GenerateSerializer, Immutable, Alias("qs.EnvelopeRequest")]
public sealed record EnvelopeRequest(
    [property: Id(0)] string? RecipientKeyId,
    [property: Id(1)] string AuditEventId,
    [property: Id(2)] bool Success,
    [property: Id(3)] byte[] Plaintext,
    [property: Id(4)] string? ErrorType = null,
    [property: Id(5)] string? ErrorMessage = null,
    [property: Id(6)] int? UpstreamStatus = null,
    [property: Id(7)] int? MaterialVersion = null);
