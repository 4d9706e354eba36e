using System.Globalization;
using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Measurements, not assertions on speed: enqueue throughput of single vs. batched publishes and end-to-end delivery
/// latency through PostgreSQL on this machine. The numbers go to the diagnostic output.
/// </summary>
[Collection(AuditStreamCollection.Name)]
public sealed class AuditStreamMeasurementTests(AuditStreamFixture fixture)
{
    private const int Tenants = 8;
    private const int Concurrency = 32;
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

    [Fact]
    public async Task Measure_SingleVersusBatchThroughput()
    {
        // Fewer single publishes: they are an order of magnitude slower and would dominate the test's run time.
        await MeasureAsync(batchSize: 1, events: 2_000);
        await MeasureAsync(batchSize: 10, events: 4_000);
        await MeasureAsync(batchSize: 20, events: 4_000);
        await MeasureAsync(batchSize: 50, events: 4_000);
    }

    private async Task MeasureAsync(int batchSize, int events)
    {
        var tenants = Enumerable.Range(0, Tenants).Select(_ => AuditStreamTestCluster.NewTenant()).ToArray();
        var calls = events / batchSize;
        var next = -1;
        var callLatencies = new double[calls];

        var started = TimeProvider.System.GetTimestamp();
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int call;
            while ((call = Interlocked.Increment(ref next)) < calls)
            {
                var tenant = tenants[call % Tenants];
                var producer = fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
                var batch = Enumerable.Range(0, batchSize).Select(_ => AuditStreamTestCluster.NewEvent(tenant)).ToList();
                var callStarted = TimeProvider.System.GetTimestamp();
                if (batchSize == 1)
                {
                    await producer.PublishAsync(batch[0], Ct);
                }
                else
                {
                    await producer.PublishBatchAsync(batch, Ct);
                }

                callLatencies[call] = TimeProvider.System.GetElapsedTime(callStarted).TotalMilliseconds;
            }
        });
        await Task.WhenAll(workers);
        var enqueued = TimeProvider.System.GetElapsedTime(started);

        var perTenant = calls / Tenants * batchSize;
        foreach (var tenant in tenants)
        {
            await fixture.Probe.WaitForAsync(tenant, perTenant, DeliveryTimeout, Ct);
        }

        var delivered = TimeProvider.System.GetElapsedTime(started);
        var latencies = tenants.SelectMany(t => fixture.Probe.Deliveries(t)).Select(d => d.Latency.TotalMilliseconds).ToList();
        var duplicates = tenants.Sum(fixture.Probe.Duplicates);
        Report($"{(batchSize == 1 ? "OnNextAsync" : $"OnNextBatchAsync x{batchSize}")}, {events} events, {Concurrency} in flight, "
            + $"{Tenants} tenants: enqueue {Rate(events, enqueued)} events/s ({calls} calls, call {Percentiles(callLatencies)}); "
            + $"delivered {Rate(events, delivered)} events/s end to end; publish-to-consumer {Percentiles(latencies)}; {duplicates} duplicates");
        Assert.Equal(events, latencies.Count - duplicates);
    }

    private static string Rate(int events, TimeSpan elapsed) =>
        (events / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

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
