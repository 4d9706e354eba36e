using System.Diagnostics.Metrics;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Counters of refused authentication and throttled requests (no key, tenant or address in any tag: the values are
/// attacker-chosen and would make the series unbounded). Exported with the other meters at <c>/metrics</c>.
/// </summary>
internal sealed class SecurityMetrics : IDisposable
{
    /// <summary>The meter name registered with OpenTelemetry.</summary>
    public const string MeterName = "QuantaSeal.Security";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _apiKeyRejected;
    private readonly Counter<long> _operatorRejected;
    private readonly Counter<long> _rateLimited;

    public SecurityMetrics()
    {
        _apiKeyRejected = _meter.CreateCounter<long>("quantaseal.auth.api_key.rejected", description: "API keys refused (malformed, unknown, revoked or wrong), by reason.");
        _operatorRejected = _meter.CreateCounter<long>("quantaseal.auth.operator.rejected", description: "Operator-key authentications refused.");
        _rateLimited = _meter.CreateCounter<long>("quantaseal.http.rate_limited", description: "Requests answered 429 by the front door's rate limiter, by partition kind.");
    }

    /// <summary>An API key was refused; <paramref name="reason"/> is one of a fixed set (malformed, unknown, refused).</summary>
    public void ApiKeyRejected(string reason) => _apiKeyRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>An operator key was refused.</summary>
    public void OperatorRejected() => _operatorRejected.Add(1);

    /// <summary>A request was throttled; <paramref name="partition"/> is <c>address</c>, <c>api_key</c> or <c>operator</c>.</summary>
    public void RateLimited(string partition) => _rateLimited.Add(1, new KeyValuePair<string, object?>("partition", partition));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
