using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Issue 12, hole 1: with the production delivery batch (16 messages per delivery) a delivery that keeps failing is
/// reported to the failure handler with its first message's token only. Every message of that batch must still end up
/// chained or dead-lettered: none may be confirmed (deleted) as if delivered. The real chain grain runs on a chain store
/// that fails for longer than the give-up time (1 s here; everything else is production).
/// </summary>
public sealed class AuditStreamBatchedFailureTests
{
    private const int Messages = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FailedBatchedDelivery_LosesNoMessageOfTheBatch_EachIsChainedOrDeadLettered()
    {
        var settings = AuditStreamSettings.Default with { MaxEventDeliveryTime = TimeSpan.FromSeconds(1) };
        Assert.True(settings.DeliveryBatch >= Messages, "the messages must fit in one production delivery");
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var store = new FailingAuditStore();
        var probe = new AuditStreamProbe();
        await using var cluster = await AuditStreamTestCluster.StartPostgresAsync(
            database.ConnectionString, probe, settings, configure: silo => silo.Services.AddSingleton<IAuditStore>(store));
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenant);

        // The chain store goes down; each publish below is its own queue message, acknowledged once durable.
        store.Failing = true;
        var acknowledged = new List<string>();
        for (var i = 0; i < Messages; i++)
        {
            var auditEvent = AuditStreamTestCluster.NewEvent(tenant);
            await producer.PublishAsync(auditEvent, Ct);
            acknowledged.Add(auditEvent.EventId);
        }

        // The first delivery fails for 1 s while the others queue up behind it; they then go out as one batched
        // delivery, which fails for 1 s as well. Both are given up on.
        long deadLetters = 0;
        await WaitUntil.TrueAsync(
            async () => (deadLetters = await AuditStreamDiagnostics.CountDeadLettersAsync(database.ConnectionString, Ct)) >= 2,
            TimeSpan.FromSeconds(30),
            () => $"{deadLetters} dead letters",
            Ct);

        // The store is back: a later event is chained and confirmed, which is when a range confirmation would delete
        // whatever of the failed batch was still queued.
        store.Failing = false;
        var marker = AuditStreamTestCluster.NewEvent(tenant);
        await producer.PublishAsync(marker, Ct);
        long pending = -1;
        var markerChained = false;
        await WaitUntil.TrueAsync(
            async () => (markerChained = (await store.ChainedIdsAsync(tenant, Ct)).Contains(marker.EventId))
                && (pending = await AuditStreamDiagnostics.CountPendingAsync(database.ConnectionString, Ct)) == 0,
            TimeSpan.FromSeconds(30),
            () => $"marker chained: {markerChained}; {pending} messages queued",
            Ct);

        var chained = await store.ChainedIdsAsync(tenant, Ct);
        var deadLettered = await DeadLetteredEventIdsAsync(cluster, database);
        var lost = acknowledged.Where(id => !chained.Contains(id) && !deadLettered.Contains(id)).ToList();
        TestContext.Current.SendDiagnosticMessage(
            $"{Messages} messages acknowledged while the chain store was down: {acknowledged.Count(chained.Contains)} chained, "
            + $"{acknowledged.Count(deadLettered.Contains)} dead-lettered, {lost.Count} lost");
        Assert.Empty(lost);
    }

    [Fact]
    public async Task DeadLetters_AreCountedAgainstTheirTenant_AndARedriveChainsThemOnce()
    {
        var settings = AuditStreamSettings.Default with { MaxEventDeliveryTime = TimeSpan.FromSeconds(1) };
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var store = new FailingAuditStore();
        await using var cluster = await AuditStreamTestCluster.StartPostgresAsync(
            database.ConnectionString, new AuditStreamProbe(), settings, configure: silo => silo.Services.AddSingleton<IAuditStore>(store));
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var chained = AuditStreamTestCluster.NewEvent(tenant);
        await producer.PublishAsync(chained, Ct);
        await WaitUntil.TrueAsync(async () => (await store.ChainedIdsAsync(tenant, Ct)).Contains(chained.EventId), TimeSpan.FromSeconds(20), () => "not chained", Ct);

        store.Failing = true;
        var acknowledged = new List<string> { chained.EventId };
        for (var i = 0; i < 3; i++)
        {
            var auditEvent = AuditStreamTestCluster.NewEvent(tenant);
            await producer.PublishAsync(auditEvent, Ct);
            acknowledged.Add(auditEvent.EventId);
        }

        await using var chains = new PostgresAuditStore(database.ConnectionString);
        AuditDeadLetterCount counted = new(0, 0);
        await WaitUntil.TrueAsync(
            async () => (counted = await chains.CountDeadLetteredAsync(tenant, Ct)).Events == 3
                && await AuditStreamDiagnostics.CountPendingAsync(database.ConnectionString, Ct) == 0,
            TimeSpan.FromSeconds(30),
            () => $"{counted.Events} events dead-lettered",
            Ct);
        store.Failing = false;

        var (messages, events) = await AuditStreamDiagnostics.RedriveAsync(database.ConnectionString, tenant, 100, Ct);
        await WaitUntil.TrueAsync(
            async () => (await store.ChainedIdsAsync(tenant, Ct)).Count == acknowledged.Count
                && await AuditStreamDiagnostics.CountPendingAsync(database.ConnectionString, Ct) == 0,
            TimeSpan.FromSeconds(30),
            () => "the re-driven events were not chained",
            Ct);

        Assert.Equal(0, counted.UnattributedMessages);
        Assert.Equal(3, events);
        Assert.True(messages is >= 1 and <= 3);
        Assert.Equal(0, (await chains.CountDeadLetteredAsync(tenant, Ct)).Events);
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), (await store.ChainedIdsAsync(tenant, Ct)).Order(StringComparer.Ordinal));
        Assert.Equal(acknowledged.Count, (await store.ReadRangeAsync(tenant, 1, long.MaxValue, 100, Ct)).Count);
    }

    /// <summary>The event ids held by the dead letters (payloads deserialised as the silo reads them).</summary>
    internal static async Task<IReadOnlySet<string>> DeadLetteredEventIdsAsync(InProcessTestCluster cluster, PostgresTestDatabase database)
    {
        var serializer = cluster.Silos[0].ServiceProvider.GetRequiredService<Serializer<AuditQueueBatch>>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM audit_queue_dead_letters";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var batch = serializer.Deserialize(reader.GetFieldValue<byte[]>(0)) ?? throw new InvalidDataException("empty dead letter");
            foreach (var e in batch.Events.OfType<AuditEvent>())
            {
                ids.Add(e.EventId);
            }
        }

        return ids;
    }
}
