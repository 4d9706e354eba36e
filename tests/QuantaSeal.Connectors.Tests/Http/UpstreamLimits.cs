using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Tests.Http;

/// <summary>Outbound time limits for the tests against a slow upstream.</summary>
internal static class UpstreamLimits
{
    /// <summary>Sets the attempt and total timeouts, and the number of retries when one is given.</summary>
    public static Action<UpstreamOptions> Of(TimeSpan attempt, TimeSpan total, int? maxRetries = null) => o =>
    {
        o.AttemptTimeout = attempt;
        o.TotalTimeout = total;
        if (maxRetries is { } retries)
        {
            o.MaxRetries = retries;
        }
    };
}
