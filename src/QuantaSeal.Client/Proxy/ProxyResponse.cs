using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Proxy;

/// <summary>
/// The answer of <c>POST /api/v2/proxy/outbound</c>. <see cref="Envelope"/> is present for successes and upstream
/// failures (the upstream body is inside it); a call refused before reaching the upstream has only
/// <see cref="ErrorType"/>. Open the envelope with <see cref="Encryption.Encryption"/>.
/// </summary>
/// <param name="StatusCode">HTTP status of the proxy answer.</param>
/// <param name="Success">Whether the upstream call succeeded.</param>
/// <param name="AuditEventId">The audit event of the call.</param>
/// <param name="Envelope">The sealed answer, when there is one.</param>
/// <param name="ErrorType">Error type (e.g. <c>operation_not_allowed</c>, <c>upstream_not_found</c>).</param>
/// <param name="ErrorMessage">Error description.</param>
/// <param name="UpstreamStatus">Upstream HTTP status, if any.</param>
/// <param name="NextCursor">Cursor for the next page (Okta), if any.</param>
/// <param name="Field">The request field a validation error is about.</param>
public sealed record ProxyResponse(int StatusCode, bool Success, string? AuditEventId, HybridEnvelope? Envelope, string? ErrorType, string? ErrorMessage, int? UpstreamStatus, string? NextCursor, string? Field)
{
    /// <summary>The answer's <c>paging</c> member, if any.</summary>
    public ProxyPaging? Paging { get; init; }

    /// <summary>The answer's <c>rate_limit</c> member (the upstream's rate-limit headers), if any.</summary>
    public ProxyRateLimit? RateLimit { get; init; }
}
