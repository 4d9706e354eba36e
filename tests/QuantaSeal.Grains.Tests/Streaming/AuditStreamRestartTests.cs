using Orleans.Configuration;
using Orleans.TestingHost;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Silos stopping while they hold dequeued, unconfirmed audit messages: nothing whose publish returned is lost; what
/// the stopped silo held is delivered again (at-least-once), and the duplicates are counted.
/// </summary>
public sealed class AuditStreamRestartTests
{
    private const int Events = 60;
    private static readonly TimeSpan SlowConsumer = TimeSpan.FromMilliseconds(40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GracefulStop_ReleasesHeldMessages_SoTheNextSiloDeliversThemWithoutWaitingForVisibility()
    {
        // A visibility timeout far beyond the test's deadline: the held messages can only come back this fast if the
        // stopping silo released them (ConfirmStreamMessagesKey with negative receipts).
        var settings = AuditStreamTestCluster.TestSettings with { VisibilityTimeout = TimeSpan.FromMinutes(2) };
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
        var (pending, visible, maxDequeued, _) = await PendingAsync(database);

        var restarted = TimeProvider.System.GetTimestamp();
        await cluster.StartAdditionalSiloAsync();
        await probe.WaitForAsync(tenant, Events, TimeSpan.FromSeconds(30), Ct);
        var catchUp = TimeProvider.System.GetElapsedTime(restarted);

        TestContext.Current.SendDiagnosticMessage(
            $"graceful stop after {deliveredBeforeStop} of {Events} events (stop took {stopTime.TotalMilliseconds:F0} ms): "
            + $"{pending} messages pending, {visible} of them released (visible at once), max dequeue count {maxDequeued}; "
            + $"new silo delivered the rest in {catchUp.TotalMilliseconds:F0} ms with {probe.Duplicates(tenant)} duplicates");
        Assert.Equal(pending, visible);
        Assert.Equal(published, probe.FirstDeliveryOrder(tenant));
    }

    [Fact]
    public async Task CrashedSilo_LosesNothing_ItsHeldMessagesComeBackAfterTheVisibilityTimeout()
    {
        // As in production, deliveries are retried for longer than the survivor needs to declare the killed silo dead
        // (about 1-3 s here), so events bound for consumers that lived on it wait rather than being skipped; the visibility
        // timeout stays above the time the slow consumers need to drain what was read (6 s), so that only the crash
        // causes redeliveries, and short, for a short test.
        var settings = AuditStreamTestCluster.TestSettings with
        {
            MaxEventDeliveryTime = TimeSpan.FromSeconds(5),
            VisibilityTimeout = TimeSpan.FromSeconds(10),
        };
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        // The silo to be killed reaches the stream tables through a relay, cut just before the kill: an in-process
        // stop still runs the pulling agents' shutdown, and a crashed process would not get to release anything.
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
        var published = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
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
        var (pending, visible, _, hiddenFor) = await PendingAsync(database);
        await Task.WhenAll(tenants.Select(tenant => probe.WaitForAsync(tenant, Events, TimeSpan.FromSeconds(40), Ct)));
        var recovered = TimeProvider.System.GetElapsedTime(killed);

        var duplicates = tenants.Sum(probe.Duplicates);
        var late = tenants.Sum(tenant => probe.OutOfOrder(tenant, published[tenant]));
        TestContext.Current.SendDiagnosticMessage(
            $"crash of one of two silos with {tenants.Length * Events} events published: {pending} messages pending at the crash "
            + $"({visible} visible, the last due back in {hiddenFor:F1} s); all delivered {recovered.TotalMilliseconds:F0} ms after the crash "
            + $"with {duplicates} duplicates; {late} events first delivered after a later one");
        foreach (var tenant in tenants)
        {
            // Nothing lost. Order is not kept across a crash: what the crashed silo held reappears only after the
            // visibility timeout, while events queued after its last read are delivered at once by the new owner.
            Assert.Equal(published[tenant].Order(StringComparer.Ordinal), probe.FirstDeliveryOrder(tenant).Order(StringComparer.Ordinal));
        }
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

    private static async Task<(long Pending, long Visible, int MaxDequeued, double HiddenForSeconds)> PendingAsync(PostgresTestDatabase database)
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            SELECT count(*), count(*) FILTER (WHERE visible_on <= now()), coalesce(max(dequeued), 0),
                   coalesce(extract(epoch FROM max(visible_on) - now()), 0)::float8
            FROM orleans_stream_messages
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetDouble(3));
    }
}
