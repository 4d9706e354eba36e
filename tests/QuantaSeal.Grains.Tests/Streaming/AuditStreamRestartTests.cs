using Orleans.Configuration;
using Orleans.TestingHost;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Silos stopping while they hold read, unconfirmed audit messages: nothing whose publish returned is lost; the next
/// reader of the queue starts from the oldest unconfirmed row, so what the stopped silo held is delivered again at once
/// (at-least-once), and the duplicates are counted.
/// </summary>
public sealed class AuditStreamRestartTests
{
    private const int Events = 60;
    private static readonly TimeSpan SlowConsumer = TimeSpan.FromMilliseconds(40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GracefulStop_TheNextSiloDeliversWhatWasHeld_InOrder()
    {
        var settings = AuditStreamTestCluster.TestSettings;
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        var probe = new AuditStreamProbe();
        await using var cluster = await AuditStreamTestCluster.StartPostgresAsync(database.ConnectionString, probe, settings);
        var tenant = AuditStreamTestCluster.NewTenant();
        probe.SlowDown(tenant, SlowConsumer);
        var published = await PublishAsync(cluster, tenant);
        await probe.WaitForAsync(tenant, 5, TimeSpan.FromSeconds(15), Ct);

        var stopping = TimeProvider.System.GetTimestamp();
        await cluster.StopSiloAsync(cluster.Silos[0], Ct);
        var stopTime = TimeProvider.System.GetElapsedTime(stopping);
        var deliveredBeforeStop = probe.FirstDeliveryOrder(tenant).Count;
        var pending = await PendingAsync(database);

        var restarted = TimeProvider.System.GetTimestamp();
        await cluster.StartAdditionalSiloAsync();
        await probe.WaitForAsync(tenant, Events, TimeSpan.FromSeconds(30), Ct);
        var catchUp = TimeProvider.System.GetElapsedTime(restarted);

        TestContext.Current.SendDiagnosticMessage(
            $"graceful stop after {deliveredBeforeStop} of {Events} events (stop took {stopTime.TotalMilliseconds:F0} ms): "
            + $"{pending} messages pending; new silo delivered the rest in {catchUp.TotalMilliseconds:F0} ms with {probe.Duplicates(tenant)} duplicates");
        Assert.True(pending > 0, "the stop should have left unconfirmed messages behind");
        Assert.Equal(published, probe.FirstDeliveryOrder(tenant));
    }

    [Fact]
    public async Task CrashedSilo_LosesNothing_TheNewOwnerDeliversWhatItHeld()
    {
        // As in production, deliveries are retried for longer than the survivor needs to declare the killed silo dead
        // (about 1-3 s here), so events bound for consumers that lived on it wait rather than being skipped.
        var settings = AuditStreamTestCluster.TestSettings with { MaxEventDeliveryTime = TimeSpan.FromSeconds(5) };
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        // The silo to be killed reaches the queue tables through a relay, cut just before the kill: an in-process kill
        // could otherwise still confirm what it had delivered, and a crashed process would not.
        await using var relay = PostgresRelay.InFrontOf(database.ConnectionString);
        var probe = new AuditStreamProbe();
        await using var cluster = await AuditStreamTestCluster.StartPostgresAsync(
            database.ConnectionString,
            probe,
            settings,
            silos: 2,
            configure: FastFailureDetection,
            streamConnectionStringForSilo: name => name == "Silo_1" ? relay.Route(database.ConnectionString) : null);
        // Twelve tenants spread over the four queues, so the killed silo very likely reads some of them.
        var tenants = Enumerable.Range(0, 12).Select(_ => AuditStreamTestCluster.NewTenant()).ToArray();
        // Filled from concurrent publishes below: a plain Dictionary lost entries under load (KeyNotFoundException later).
        var published = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            // Slow enough that every consumer is still busy when the silo dies.
            probe.SlowDown(tenant, SlowConsumer * 2.5);
        }

        await Task.WhenAll(tenants.Select(async tenant => published[tenant] = await PublishAsync(cluster, tenant)));
        await Task.WhenAll(tenants.Select(tenant => probe.WaitForAsync(tenant, 3, TimeSpan.FromSeconds(15), Ct)));

        var killed = TimeProvider.System.GetTimestamp();
        relay.Set(PostgresRelay.RelayMode.Refuse);
        await cluster.KillSiloAsync(cluster.Silos[1], Ct);
        var pending = await PendingAsync(database);
        await Task.WhenAll(tenants.Select(tenant => probe.WaitForAsync(tenant, Events, TimeSpan.FromSeconds(40), Ct)));
        var recovered = TimeProvider.System.GetElapsedTime(killed);

        var duplicates = tenants.Sum(probe.Duplicates);
        var late = tenants.Sum(tenant => probe.OutOfOrder(tenant, published[tenant]));
        TestContext.Current.SendDiagnosticMessage(
            $"crash of one of two silos with {tenants.Length * Events} events published: {pending} messages pending at the crash "
            + $"; all delivered {recovered.TotalMilliseconds:F0} ms after the crash "
            + $"with {duplicates} duplicates; {late} events first delivered after a later one");
        foreach (var tenant in tenants)
        {
            // Nothing lost, and the dead-letter table stays empty.
            Assert.Equal(published[tenant].Order(StringComparer.Ordinal), probe.FirstDeliveryOrder(tenant).Order(StringComparer.Ordinal));
        }

        Assert.Equal(0, await QuantaSeal.Grains.Audit.Queue.AuditStreamDiagnostics.CountDeadLettersAsync(database.ConnectionString, Ct));
    }

    // Lets the surviving silo declare the killed one dead within seconds (the queue balancer waits for that).
    private static void FastFailureDetection(ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(1);
            options.NumMissedProbesLimit = 2;
            options.NumVotesForDeathDeclaration = 1;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });

    private static async Task<IReadOnlyList<string>> PublishAsync(InProcessTestCluster cluster, string tenant)
    {
        var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var published = new List<string>(Events);
        for (var i = 0; i < Events; i++)
        {
            var auditEvent = AuditStreamTestCluster.NewEvent(tenant);
            await producer.PublishAsync(auditEvent, Ct);
            published.Add(auditEvent.EventId);
        }

        return published;
    }

    private static async Task<long> PendingAsync(PostgresTestDatabase database) =>
        await QuantaSeal.Grains.Audit.Queue.AuditStreamDiagnostics.CountPendingAsync(database.ConnectionString, Ct);
}
