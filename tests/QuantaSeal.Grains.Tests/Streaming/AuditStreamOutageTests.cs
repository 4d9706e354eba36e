using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Fail closed: while the stream database cannot be reached a publish throws within the stream provider's short
/// Npgsql timeouts, and what reaches the caller across the grain call is the serialisable
/// <see cref="AuditStreamUnavailableException"/>; once the database is back, publishing works again without a restart.
/// The silos reach the stream tables through a <see cref="PostgresRelay"/>; clustering and grain state stay up.
/// </summary>
public sealed class AuditStreamOutageTests
{
    private const int RefusedPublishes = 5;
    private const int SilentPublishes = 2;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_FailsFastWithASerialisableException_WhileTheDatabaseIsUnreachable_AndRecoversWithoutRestart()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        await using var relay = PostgresRelay.InFrontOf(database.ConnectionString);
        var probe = new AuditStreamProbe();
        await using var cluster = await AuditStreamTestCluster.StartPostgresAsync(
            database.ConnectionString, probe, AuditStreamTestCluster.TestSettings, streamConnectionString: relay.Route(database.ConnectionString));
        var tenant = AuditStreamTestCluster.NewTenant();
        var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenant);
        var before = AuditStreamTestCluster.NewEvent(tenant);
        await producer.PublishAsync(before, Ct);
        await probe.WaitForAsync(tenant, 1, TimeSpan.FromSeconds(15), Ct);

        // Connected but silent: a hung server or a dropped route. The first publish waits on a pooled connection
        // (command timeout), the next ones on new connections (connect timeout); both are capped for the streams.
        relay.Set(PostgresRelay.RelayMode.Partition);
        var (silentMs, silent) = await PublishRefusedAsync(producer, tenant, SilentPublishes);

        // Connection refused / reset: a stopped server, a closed port.
        relay.Set(PostgresRelay.RelayMode.Refuse);
        var (refusedMs, refused) = await PublishRefusedAsync(producer, tenant, RefusedPublishes);

        relay.Set(PostgresRelay.RelayMode.Open);
        var after = AuditStreamTestCluster.NewEvent(tenant);
        var recovering = TimeProvider.System.GetTimestamp();
        await producer.PublishAsync(after, Ct);
        var firstPublishAfter = TimeProvider.System.GetElapsedTime(recovering);
        await probe.WaitForAsync(tenant, 2, TimeSpan.FromSeconds(15), Ct);

        TestContext.Current.SendDiagnosticMessage(
            $"database silent: {SilentPublishes} publishes refused after {string.Join(" and ", silentMs.Select(ms => ms.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms ('{silent.Cause}'); "
            + $"database refusing connections: {RefusedPublishes} publishes refused in {Range(refusedMs)} ('{refused.Cause}'); "
            + $"first publish after recovery {firstPublishAfter.TotalMilliseconds:F1} ms; caller saw: {refused.Message}");
        Assert.Equal(2, refused.EventCount);
        Assert.Null(refused.InnerException);
        Assert.DoesNotContain("Password", refused.Message, StringComparison.OrdinalIgnoreCase);
        // Command timeout, then Npgsql's attempt to send a cancel request (bounded by the connect timeout), plus slack
        // for a busy machine. Uncapped (Npgsql's defaults, GSS "prefer") this was 30 s + 2 x 15 s.
        var limit = TimeSpan.FromSeconds(AuditStreamSettings.Default.CommandTimeoutSeconds + AuditStreamSettings.Default.ConnectTimeoutSeconds + 5);
        Assert.All(silentMs, ms => Assert.True(ms < limit.TotalMilliseconds, $"a silent database held a publish for {ms:F0} ms"));
        // Nothing refused was enqueued: the consumer saw exactly the event before and the one after the outage.
        Assert.Equal([before.EventId, after.EventId], probe.FirstDeliveryOrder(tenant));
    }

    private static async Task<(List<double> Elapsed, AuditStreamUnavailableException Last)> PublishRefusedAsync(
        IAuditStreamProducerGrain producer, string tenant, int attempts)
    {
        var elapsed = new List<double>();
        AuditStreamUnavailableException? last = null;
        for (var i = 0; i < attempts; i++)
        {
            var started = TimeProvider.System.GetTimestamp();
            last = await Assert.ThrowsAsync<AuditStreamUnavailableException>(
                () => producer.PublishBatchAsync([AuditStreamTestCluster.NewEvent(tenant), AuditStreamTestCluster.NewEvent(tenant)], Ct));
            elapsed.Add(TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }

        return (elapsed, last!);
    }

    private static string Range(List<double> values)
    {
        var sorted = values.Order().ToList();
        return FormattableString.Invariant($"{sorted[0]:F1}-{sorted[^1]:F1} ms (median {sorted[sorted.Count / 2]:F1} ms)");
    }
}
