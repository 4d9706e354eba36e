using System.Globalization;
using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// A measurement, not an assertion on speed: end-to-end delivery latency of a quiet tenant through PostgreSQL on this
/// machine (60 events). The numbers go to the diagnostic output. Throughput (the 14,000-event single-versus-batched
/// publish comparison that used to run here) is measured by the <c>chain</c> load scenario
/// (<c>--publisher tuned --max-batch N</c>, loadtests/README.md), not in the regular suite.
/// </summary>
[Collection(AuditStreamCollection.Name)]
public sealed class AuditStreamMeasurementTests(AuditStreamFixture fixture)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Measure_IdleDeliveryLatency()
    {
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        await producer.PublishAsync(AuditStreamTestCluster.NewEvent(tenant), Ct);
        await fixture.Probe.WaitForAsync(tenant, 1, DeliveryTimeout, Ct);

        // One event at a time, each waited for: the latency a quiet tenant sees (dominated by the polling interval).
        const int samples = 60;
        var enqueue = new List<double>();
        for (var i = 1; i <= samples; i++)
        {
            var started = TimeProvider.System.GetTimestamp();
            await producer.PublishAsync(AuditStreamTestCluster.NewEvent(tenant), Ct);
            enqueue.Add(TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            await fixture.Probe.WaitForAsync(tenant, i + 1, DeliveryTimeout, Ct);
        }

        var latencies = fixture.Probe.Deliveries(tenant).Skip(1).Select(d => d.Latency.TotalMilliseconds).ToList();
        Report($"idle, {samples} sequential single events: enqueue (OnNextAsync) {Percentiles(enqueue)}; "
            + $"publish-to-consumer {Percentiles(latencies)}");
        Assert.Equal(samples, latencies.Count);
    }

    private static string Percentiles(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):F1} ms, p95 {At(0.95):F1} ms, max {sorted[^1]:F1} ms");
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
