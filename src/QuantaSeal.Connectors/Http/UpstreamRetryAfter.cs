using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace QuantaSeal.Connectors.Http;

/// <summary>
/// When an upstream says to come back, read one way for both uses: the delay a connector reports to its caller
/// (<see cref="UpstreamResponse.RetryAfter"/>) and the delay the resilience pipeline waits before a retry.
/// </summary>
internal static class UpstreamRetryAfter
{
    /// <summary>Auth0's rate-limit reset header (Unix seconds).</summary>
    public const string Auth0ResetHeader = "x-ratelimit-reset";

    /// <summary>Okta's rate-limit reset header (Unix seconds).</summary>
    public const string OktaResetHeader = "X-Rate-Limit-Reset";

    // 9999-12-31T23:59:59Z, the last second DateTimeOffset.FromUnixTimeSeconds accepts.
    private const long MaxUnixSeconds = 253402300799;

    /// <summary>
    /// <c>Retry-After</c> (delta-seconds or HTTP date, RFC 9110 §10.2.3) on any status, else, for a 429 only, the
    /// rate-limit reset minus <paramref name="now"/>; never negative; null when there is neither.
    /// </summary>
    public static TimeSpan? Delay(HttpResponseMessage response, DateTimeOffset? rateLimitReset, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        TimeSpan? value = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };

        // The reset is when the rate-limit window reopens: a reason to wait only when the answer was "rate limited".
        if (value is null && response.StatusCode == HttpStatusCode.TooManyRequests && rateLimitReset is { } reset)
        {
            value = reset - now;
        }

        return value is { } v ? (v < TimeSpan.Zero ? TimeSpan.Zero : v) : null;
    }

    /// <summary>
    /// The delay for a response from either vendor: the resilience pipeline is shared by the Auth0 and Okta
    /// connectors, and each vendor sends only its own reset header.
    /// </summary>
    public static TimeSpan? Delay(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var reset = ResetAt(response.Headers, Auth0ResetHeader) ?? ResetAt(response.Headers, OktaResetHeader);
        return Delay(response, reset, now);
    }

    /// <summary>The instant in a Unix-seconds header such as <see cref="Auth0ResetHeader"/>; null when absent or out of range.</summary>
    public static DateTimeOffset? ResetAt(HttpResponseHeaders headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return FromUnixSeconds(Number(headers, name));
    }

    /// <summary>Unix seconds as an instant; null when absent, negative or beyond year 9999.</summary>
    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is { } s and >= 0 and <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>The first value of a header as an integer; null when absent or not a number.</summary>
    public static long? Number(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
