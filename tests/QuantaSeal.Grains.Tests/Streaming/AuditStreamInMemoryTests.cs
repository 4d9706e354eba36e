namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>The in-memory dev mode: same provider name, namespace and implicit consumer, no database.</summary>
public sealed class AuditStreamInMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InMemoryStreams_DeliverSingleAndBatchPublishes_InOrder()
    {
        var probe = new AuditStreamProbe();
        await using var cluster = await AuditStreamTestCluster.StartInMemoryAsync(probe);
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var published = new List<string>();

        for (var i = 0; i < 10; i++)
        {
            var single = AuditStreamTestCluster.NewEvent(tenant);
            await producer.PublishAsync(single, Ct);
            var batch = new[] { AuditStreamTestCluster.NewEvent(tenant), AuditStreamTestCluster.NewEvent(tenant) };
            await producer.PublishBatchAsync(batch, Ct);
            published.Add(single.EventId);
            published.AddRange(batch.Select(e => e.EventId));
        }

        await probe.WaitForAsync(tenant, published.Count, TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(published, probe.FirstDeliveryOrder(tenant));
    }
}
