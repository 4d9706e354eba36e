using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Proxy;

/// <summary>
/// The answer of <c>POST /api/v2/proxy/outbound</c>. <see cref="Envelope"/> is present for successes and upstream
/// failures (the upstream body is inside it); a call refused before reaching the upstream has only
/// <see cref="ErrorType"/>. Open the envelope with <see cref="Encryption.Encryption"/>.
/// </summary>
/// <remarks>
/// When the client has an opener (<c>QuantaSealClient.Encryption</c>), an answer with an envelope was verified before
/// this object was made (signatures, the hash of the request sent, <c>issued_at</c> window; see
/// <see cref="Verified"/>), and <see cref="ErrorType"/>, <see cref="ErrorMessage"/>, <see cref="UpstreamStatus"/>,
/// <see cref="NextCursor"/>, <see cref="Paging"/> and <see cref="RateLimit"/> come from the signed copy only. Without an
/// opener nothing can be authenticated: paging and rate-limit values are left out, and the error fields of the
/// problem document are hints.
/// </remarks>
/// <param name="StatusCode">HTTP status of the proxy answer.</param>
/// <param name="Success">Whether the upstream call succeeded (the signed flag, when verified).</param>
/// <param name="AuditEventId">The audit event of the call.</param>
/// <param name="Envelope">The sealed answer, when there is one.</param>
/// <param name="ErrorType">Error type (e.g. <c>operation_not_allowed</c>, <c>upstream_not_found</c>).</param>
/// <param name="ErrorMessage">Error description.</param>
/// <param name="UpstreamStatus">Upstream HTTP status, if any.</param>
/// <param name="NextCursor">Cursor for the next page (Okta), if any (signed copy only).</param>
/// <param name="Field">The request field a validation error is about.</param>
public sealed record ProxyResponse(int StatusCode, bool Success, string? AuditEventId, HybridEnvelope? Envelope, string? ErrorType, string? ErrorMessage, int? UpstreamStatus, string? NextCursor, string? Field)
{
    /// <summary>The answer's <c>paging</c> member, if any (signed copy only).</summary>
    public ProxyPaging? Paging { get; init; }

    /// <summary>The answer's <c>rate_limit</c> member (the upstream's rate-limit headers), if any (signed copy only).</summary>
    public ProxyRateLimit? RateLimit { get; init; }

    /// <summary>The request hash of the call as this client sent it (<see cref="EnvelopeRequestHash.ForProxy"/>).</summary>
    public string? RequestSha256 { get; init; }

    /// <summary>What the envelope's signatures vouch for, when the client has an opener and the answer has an envelope.</summary>
    public VerifiedEnvelope? Verified { get; init; }
}
