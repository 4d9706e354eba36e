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
/// <param name="RequestSha256">
/// The request hash the call's audit event records (lowercase hex SHA-256), signed into the v2 envelope as
/// <c>request_sha256</c>; null for a call whose event records none (signed as the empty string).
/// </param>
/// <param name="NextCursor">The <c>paging.next_cursor</c> the answer carries, signed into the v2 envelope.</param>
/// <param name="RateLimit">The <c>rate_limit</c> values the answer carries, signed into the v2 envelope.</param>
[GenerateSerializer, Immutable, Alias("qs.EnvelopeRequest")]
public sealed record EnvelopeRequest(
    [property: Id(0)] string? RecipientKeyId,
    [property: Id(1)] string AuditEventId,
    [property: Id(2)] bool Success,
    [property: Id(3)] byte[] Plaintext,
    [property: Id(4)] string? ErrorType = null,
    [property: Id(5)] string? ErrorMessage = null,
    [property: Id(6)] int? UpstreamStatus = null,
    [property: Id(7)] int? MaterialVersion = null,
    [property: Id(8)] string? RequestSha256 = null,
    [property: Id(9)] string? NextCursor = null,
    [property: Id(10)] IReadOnlyDictionary<string, string>? RateLimit = null);
