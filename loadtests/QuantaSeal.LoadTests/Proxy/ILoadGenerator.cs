namespace QuantaSeal.LoadTests.Proxy;

/// <summary>Drives POSTs at a fixed concurrency for a fixed time and reports rate and latency percentiles.</summary>
internal interface ILoadGenerator
{
    string Name { get; }

    Task<LoadResult> RunAsync(ProxyTarget target, string transport, int round, int concurrency, TimeSpan duration, CancellationToken cancellationToken);
}
