using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>Events published through the durable audit stream reach the implicit consumer, in order per tenant.</summary>
[Collection(AuditStreamCollection.Name)]
public sealed class AuditStreamDeliveryTests(AuditStreamFixture fixture)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SinglePublishes_ReachTheImplicitConsumer_InOrder()
    {
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var published = new List<string>();

        for (var i = 0; i < 50; i++)
        {
            var auditEvent = AuditStreamTestCluster.NewEvent(tenant);
            await producer.PublishAsync(auditEvent, Ct);
            published.Add(auditEvent.EventId);
        }

        await fixture.Probe.WaitForAsync(tenant, published.Count, DeliveryTimeout, Ct);
        Assert.Equal(published, fixture.Probe.FirstDeliveryOrder(tenant));
        Assert.Equal(0, fixture.Probe.Duplicates(tenant));
    }

    [Fact]
    public async Task BatchPublishes_ReachTheImplicitConsumer_InOrder()
    {
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var published = new List<string>();

        for (var batch = 0; batch < 10; batch++)
        {
            var events = Enumerable.Range(0, 10).Select(_ => AuditStreamTestCluster.NewEvent(tenant)).ToList();
            await producer.PublishBatchAsync(events, Ct);
            published.AddRange(events.Select(e => e.EventId));
        }

        await fixture.Probe.WaitForAsync(tenant, published.Count, DeliveryTimeout, Ct);
        Assert.Equal(published, fixture.Probe.FirstDeliveryOrder(tenant));
        Assert.Equal(0, fixture.Probe.Duplicates(tenant));
    }

    [Fact]
    public async Task DeactivatedConsumer_IsReactivated_AndMissesNothing()
    {
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var consumer = fixture.Client.GetGrain<IAuditStreamProbeGrain>(tenant);
        fixture.Probe.SlowDown(tenant, TimeSpan.FromMilliseconds(5));
        var published = new List<string>();

        for (var i = 0; i < 60; i++)
        {
            var auditEvent = AuditStreamTestCluster.NewEvent(tenant);
            await producer.PublishAsync(auditEvent, Ct);
            published.Add(auditEvent.EventId);
            if (i % 20 == 10)
            {
                // Deactivate only once this activation has consumed what was published so far: on a busy machine every
                // event could otherwise arrive after the last deactivation, at one activation, and prove nothing.
                await fixture.Probe.WaitForAsync(tenant, published.Count, DeliveryTimeout, Ct);
                await consumer.DeactivateAsync(Ct);
            }
        }

        await fixture.Probe.WaitForAsync(tenant, published.Count, DeliveryTimeout, Ct);
        var deliveries = fixture.Probe.Deliveries(tenant);
        var activations = deliveries.Select(d => d.ActivationId).Distinct().Count();
        TestContext.Current.SendDiagnosticMessage(
            $"consumer deactivated 3 times: {activations} activations, {deliveries.Count} deliveries of {published.Count} events, {fixture.Probe.Duplicates(tenant)} duplicates");
        Assert.True(activations > 1, "the consumer was never deactivated");
        Assert.Equal(published, fixture.Probe.FirstDeliveryOrder(tenant));
    }
}
