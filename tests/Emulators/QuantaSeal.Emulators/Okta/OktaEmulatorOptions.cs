namespace QuantaSeal.Emulators.Okta;

/// <summary>Start-up settings of the <see cref="OktaEmulator"/>; most have a runtime knob on the emulator too.</summary>
public sealed class OktaEmulatorOptions
{
    /// <summary>The scopes the seeded service app is granted (the five the connector's operations need, plus group management).</summary>
    public static IReadOnlyList<string> AllScopes { get; } =
        ["okta.users.read", "okta.users.manage", "okta.groups.read", "okta.apps.read", "okta.logs.read"];

    /// <summary>Kestrel URL; port 0 picks a free port (tests). The README demo uses <c>http://127.0.0.1:4020</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>Clock for token, assertion and proof times (a FakeTimeProvider in tests). Latency always uses real time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seeded users (enough for several pages at small limits).</summary>
    public int UserCount { get; set; } = 25;

    /// <summary>Seeded groups.</summary>
    public int GroupCount { get; set; } = 12;

    /// <summary>Seeded applications.</summary>
    public int AppCount { get; set; } = 8;

    /// <summary>Seeded System Log events.</summary>
    public int LogEventCount { get; set; } = 30;

    /// <summary>Whether the seeded service app requires DPoP ("Require DPoP header in token requests").</summary>
    public bool ServiceAppRequiresDpop { get; set; }

    /// <summary>Whether the management API asks for a DPoP nonce on resource requests (401 use_dpop_nonce).</summary>
    public bool ResourceServerRequiresDpopNonce { get; set; }

    /// <summary>Access token lifetime (Okta: one hour).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Scopes granted to the seeded service app.</summary>
    public IReadOnlyList<string> ServiceAppScopes { get; set; } = AllScopes;

    /// <summary>Requests per minute before the emulator answers 429 by itself (X-Rate-Limit-Limit).</summary>
    public int RateLimitPerMinute { get; set; } = 600;
}
