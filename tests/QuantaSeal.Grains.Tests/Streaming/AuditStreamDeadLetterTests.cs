using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// What a throwing consumer does to its stream: the event is retried for MaxEventDeliveryTime while the stream waits,
/// then given up on and moved, payload and all, to the dead letters where operators can count it; later events flow
/// again. Runs with MaxEventDeliveryTime 1 s.
/// </summary>
[Collection(AuditStreamCollection.Name)]
public sealed class AuditStreamDeadLetterTests(AuditStreamFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PoisonedEvent_BlocksItsStreamBriefly_ThenIsDeadLettered_AndCounted()
    {
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var before = await AuditStreamDiagnostics.CountDeadLettersAsync(fixture.Database.ConnectionString, Ct);
        var first = AuditStreamTestCluster.NewEvent(tenant);
        var poison = AuditStreamTestCluster.NewEvent(tenant, operation: "poison");
        var last = AuditStreamTestCluster.NewEvent(tenant);
        fixture.Probe.Poison(poison.EventId);

        var started = TimeProvider.System.GetTimestamp();
        await producer.PublishAsync(first, Ct);
        await producer.PublishAsync(poison, Ct);
        await producer.PublishAsync(last, Ct);

        await fixture.Probe.WaitForAsync(tenant, 2, TimeSpan.FromSeconds(20), Ct);
        var lastDelivered = TimeProvider.System.GetElapsedTime(started);
        long deadLetters = 0;
        await WaitUntil.TrueAsync(
            async () => (deadLetters = await AuditStreamDiagnostics.CountDeadLettersAsync(fixture.Database.ConnectionString, Ct)) > before,
            TimeSpan.FromSeconds(30),
            () => $"{deadLetters - before} new dead letters, {fixture.Probe.FailedAttempts(poison.EventId)} failed deliveries",
            Ct);
        var deadLettered = TimeProvider.System.GetElapsedTime(started);
        var reasons = await fixture.Database.ScalarAsync<string>(
            "SELECT string_agg(reason || ':' || octet_length(payload)::text, ',') FROM audit_queue_dead_letters",
            cancellationToken: Ct);

        TestContext.Current.SendDiagnosticMessage(
            $"poisoned event: the next event waited {lastDelivered.TotalMilliseconds:F0} ms; dead-lettered after {deadLettered.TotalMilliseconds:F0} ms "
            + $"and {fixture.Probe.FailedAttempts(poison.EventId)} failed deliveries; dead letters (reason:payload bytes) {reasons}");
        Assert.Equal([first.EventId, last.EventId], fixture.Probe.FirstDeliveryOrder(tenant));
        Assert.Equal(before + 1, deadLetters);
        Assert.Contains("delivery_failed:", reasons, StringComparison.Ordinal);
        Assert.True(fixture.Probe.FailedAttempts(poison.EventId) >= 1);
        Assert.DoesNotContain(poison.EventId, fixture.Probe.FirstDeliveryOrder(tenant));
    }
}
