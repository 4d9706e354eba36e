using System.Diagnostics.Metrics;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Counters of refused authentication and throttled requests (no key, tenant or address in any tag: the values are
/// attacker-chosen and would make the series unbounded). Exported with the other meters at <c>/metrics</c> on the
/// management listener.
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
        _rateLimited = _meter.CreateCounter<long>("quantaseal.http.rate_limited", description: "Requests answered 429 by the front door (rate limiter or failed-authentication budget), by partition kind.");
    }

    /// <summary>
    /// An API key was refused; <paramref name="reason"/> is one of a fixed set: <c>malformed</c>, <c>unknown</c>,
    /// <c>refused</c> (revoked or wrong secret), or <c>throttled</c> (not looked at: the address's failed-authentication
    /// budget is spent).
    /// </summary>
    public void ApiKeyRejected(string reason) => _apiKeyRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>An operator key was refused.</summary>
    public void OperatorRejected() => _operatorRejected.Add(1);

    /// <summary>
    /// A request was answered 429; <paramref name="partition"/> is <c>api_key</c> or <c>address</c> (the rate limiter's
    /// partitions) or <c>failed_auth</c> (the address's failed-authentication budget, API or operator key).
    /// </summary>
    public void RateLimited(string partition) => _rateLimited.Add(1, new KeyValuePair<string, object?>("partition", partition));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
