using System.ComponentModel.DataAnnotations;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Front-door rate limits (token buckets; <c>QuantaSeal:RateLimit:*</c> in configuration). Defaults, documented in
/// docs/hardening.md: failed authentications 20/s per client address with a burst of 100; requests without an API
/// key (health, OpenAPI, operator calls) 100/s per address, burst 200; authenticated requests 1000/s per API key,
/// burst 2000. Over a limit the answer is 429 problem+json with <c>Retry-After</c>.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "QuantaSeal:RateLimit";

    /// <summary>Failed authentications (API key or operator key) refilled per second, per client address.</summary>
    [Range(1, 1_000_000)]
    public int FailedAuthPerSecond { get; set; } = 20;

    /// <summary>Failed authentications an address may make at once before it is throttled.</summary>
    [Range(1, 1_000_000)]
    public int FailedAuthBurst { get; set; } = 100;

    /// <summary>Requests without an API key, per second per client address.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPerSecond { get; set; } = 100;

    /// <summary>Burst of requests without an API key per client address.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousBurst { get; set; } = 200;

    /// <summary>Authenticated requests per second per API key.</summary>
    [Range(1, 1_000_000)]
    public int PerKeyPerSecond { get; set; } = 1000;

    /// <summary>Burst of authenticated requests per API key.</summary>
    [Range(1, 1_000_000)]
    public int PerKeyBurst { get; set; } = 2000;

    /// <summary>The period the per-second figures above refill over (1 s; longer only to test the limits deterministically).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an unknown API key id is remembered, so a repeated one never reaches a grain (or the database).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UnknownKeyCacheTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most unknown key ids remembered at once (the cache never grows past this).</summary>
    [Range(16, 10_000_000)]
    public int UnknownKeyCacheSize { get; set; } = 100_000;

    /// <summary>
    /// Most client addresses (IPv6: /64s) whose failed-authentication budget is tracked at once. When full, refilled
    /// budgets are forgotten first, then the least-spent tenth: the addresses that failed most stay throttled.
    /// </summary>
    [Range(16, 10_000_000)]
    public int FailedAuthTrackedAddresses { get; set; } = 100_000;
}
