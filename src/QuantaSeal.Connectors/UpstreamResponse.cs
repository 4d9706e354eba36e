namespace QuantaSeal.Connectors;

/// <summary>
/// The result of one proxied operation. <see cref="Body"/> is the upstream JSON (for errors, the vendor's error
/// body); it goes into the envelope only, never into a log or a clear-text response.
/// </summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="StatusCode">Upstream HTTP status (0 when there was no response).</param>
/// <param name="Body">The upstream JSON body (may be empty).</param>
/// <param name="ErrorCode">Vendor error code (<c>errorCode</c> / <c>error</c>), safe to show.</param>
/// <param name="ErrorMessage">Client-safe description of a failure (never a secret, never the raw body).</param>
/// <param name="RateLimit">The vendor's rate-limit headers, if present.</param>
/// <param name="RetryAfter">When the vendor said to retry (429).</param>
/// <param name="NextCursor">Opaque cursor for the next page (Okta <c>Link: rel="next"</c> <c>after</c>), if any.</param>
public sealed record UpstreamResponse(
    UpstreamOutcome Outcome,
    int StatusCode,
    ReadOnlyMemory<byte> Body,
    string? ErrorCode = null,
    string? ErrorMessage = null,
    RateLimitInfo? RateLimit = null,
    TimeSpan? RetryAfter = null,
    string? NextCursor = null);

/// <summary>Rate-limit headers: Auth0 <c>x-ratelimit-*</c>, Okta <c>X-Rate-Limit-*</c>.</summary>
/// <param name="Limit">Requests allowed in the window.</param>
/// <param name="Remaining">Requests left.</param>
/// <param name="ResetAt">When the window resets.</param>
public sealed record RateLimitInfo(long? Limit, long? Remaining, DateTimeOffset? ResetAt);
