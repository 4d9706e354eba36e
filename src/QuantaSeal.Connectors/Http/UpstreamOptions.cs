using System.ComponentModel.DataAnnotations;

namespace QuantaSeal.Connectors.Http;

/// <summary>
/// Outbound settings: the host allowlist (DESIGN §6, <c>--upstream-allow</c>) and time limits. Safe by default:
/// only the vendors' cloud domains over HTTPS, no private, loopback or link-local addresses.
/// </summary>
public sealed class UpstreamOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "QuantaSeal:Upstream";

    /// <summary>The patterns always allowed.</summary>
    public static IReadOnlyList<string> DefaultAllow { get; } = ["*.auth0.com", "*.okta.com", "*.oktapreview.com"];

    /// <summary>
    /// Operator additions to <see cref="DefaultAllow"/>. A pattern is a host (<c>tenant.example.com</c>), a wildcard
    /// host (<c>*.example.com</c>: one or more labels before the suffix), optionally with a scheme and a port
    /// (<c>http://127.0.0.1:*</c>, <c>https://idp.internal:8443</c>). Without a scheme only HTTPS on 443 is allowed.
    /// An IP-literal pattern also allows that address even when it is loopback or private.
    /// </summary>
    public IList<string> Allow { get; } = [];

    /// <summary>Allow private (RFC 1918, ULA), loopback and link-local addresses for every allowed host. Off by default.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Timeout of one upstream attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one operation including retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a transient failure (safe methods only for management calls).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>A 429 whose Retry-After is longer than this is not retried here; the caller gets it with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The whole time budget of one proxied call: token acquisition, sending the request and reading the response body
    /// share this one deadline. It must end before the Orleans grain-call timeout (30 s by default) with headroom for the
    /// audit outcome event and the envelope, so a slow upstream answers 504 with its <c>audit_event_id</c> instead of a
    /// 503 from the grain-call timeout while the grain carries on. A shared token acquisition gets the same budget, so a
    /// token endpoint that drips its body cannot hold the single-flight acquisition for longer.
    /// </summary>
    public TimeSpan CallBudget { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>TCP connect timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
