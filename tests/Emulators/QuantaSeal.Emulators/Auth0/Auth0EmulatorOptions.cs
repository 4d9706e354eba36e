namespace QuantaSeal.Emulators.Auth0;

/// <summary>How an <see cref="Auth0Emulator"/> starts. Everything here can also be changed at run time through the emulator's knobs.</summary>
public sealed class Auth0EmulatorOptions
{
    /// <summary>Where to listen; port 0 picks a free port. Loopback only unless you say otherwise.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>The emulator's clock (token <c>iat</c>/<c>exp</c> and expiry checks, log dates, rate-limit windows).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Lifetime of issued tokens (<c>expires_in</c>); Auth0's default is 24 hours.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The seeded M2M application's client id.</summary>
    public string ClientId { get; set; } = "qsEmuM2MAppClientId0000000000001";

    /// <summary>The seeded M2M application's secret; null generates a random one per instance.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes granted to the seeded client; null grants every scope the QuantaSeal operations need.</summary>
    public IReadOnlyList<string>? GrantedScopes { get; set; }

    /// <summary>The Management API identifier (token audience); null means <c>{base URL}/api/v2/</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Seeded users (enough to page past one page of 100 by default).</summary>
    public int UserCount { get; set; } = 120;

    /// <summary>Seeded tenant log events.</summary>
    public int LogCount { get; set; } = 250;

    /// <summary>The <c>x-ratelimit-limit</c> advertised per one-second window.</summary>
    public int RateLimitPerSecond { get; set; } = 50;

    /// <summary>When true, requests over <see cref="RateLimitPerSecond"/> in a window get a real 429; off by default so concurrency tests are not throttled.</summary>
    public bool EnforceRateLimit { get; set; }
}
