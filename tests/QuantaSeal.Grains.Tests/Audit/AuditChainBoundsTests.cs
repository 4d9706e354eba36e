using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Core.Internal;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Tests.Streaming;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// Work a reader or a crash can cause in a tenant's chain stays bounded (issue 12, hole 6 and the tail of hole 7):
/// verification is one bounded page per grain call, readers cannot make the chain sign once per read, and a tail an
/// activation left unsigned is signed without waiting for the tenant's next event. On PostgreSQL.
/// </summary>
[Collection(AuditChainCollection.Name)]
public sealed class AuditChainBoundsTests(AuditChainClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_ReadsOnePageOfEventsPerGrainCall_AndTheWalkMatchesTheOneShotVerifier()
    {
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(fixture.Client, Ct);
        var events = Enumerable.Range(0, 100).Select(_ => AuditChainClusterFixture.NewEvent(tenantId)).ToList();
        await fixture.Client.GetGrain<IAuditPublisherTestGrain>("p").PublishConcurrentlyAsync(events, Ct);
        await WaitForChainAsync(fixture.Client, tenantId, 100);
        var reader = Reader(fixture.Client, tenantId);
        var total = await reader.GetLastSeqAsync(Ct);

        var steps = new List<AuditVerifyStep>();
        AuditVerifyCursor? cursor = null;
        do
        {
            var step = await reader.VerifyPageAsync(cursor, Ct);
            steps.Add(step);
            cursor = step.Next;
        }
        while (cursor is not null);

        // 32 events per call: every call but the last stops after one page; the last carries the report.
        var pages = (int)((total + AuditChainClusterFixture.VerifyPage - 1) / AuditChainClusterFixture.VerifyPage);
        Assert.Equal(pages, steps.Count);
        Assert.Equal(
            Enumerable.Range(1, pages - 1).Select(i => (long)i * AuditChainClusterFixture.VerifyPage),
            steps.SkipLast(1).Select(s => s.Next!.EventsChecked));
        Assert.All(steps.SkipLast(1), s => Assert.Null(s.Report));
        var report = steps[^1].Report!;
        var rows = await reader.ReadRangeAsync(1, long.MaxValue, 1000, Ct);
        var checkpoints = await reader.ListCheckpointsAsync(0, 1000, Ct);
        var oneShot = AuditChainVerifier.Verify(
            tenantId,
            rows,
            checkpoints.Where(c => c.Seq <= total),
            await SigningKeysAsync(fixture.Client, tenantId));
        Assert.True(report.Valid, report.Problem);
        Assert.Equal((oneShot.Valid, oneShot.EventsChecked, oneShot.CheckpointsChecked, oneShot.LastSeq, oneShot.LastHashHex), (report.Valid, report.EventsChecked, report.CheckpointsChecked, report.LastSeq, report.LastHash));
        Assert.Equal(total, report.EventsChecked);
    }

    [Fact]
    public async Task ManyEventReads_CauseAtMostOneOnDemandSignaturePerInterval()
    {
        // Counted and timed checkpoints are out of the way: every checkpoint here is one a reader asked for.
        await using var database = new PostgresTestDatabase();
        await database.InitializeAsync();
        var cluster = await AuditChainClusterFixture.StartAsync(database.ConnectionString, configureChain: o =>
        {
            o.CheckpointEveryEvents = 1_000_000;
            o.CheckpointInterval = TimeSpan.FromHours(1);
            o.OnDemandCheckpointInterval = TimeSpan.FromHours(1);
        });
        try
        {
            var tenantId = await AuditChainClusterFixture.CreateTenantAsync(cluster.Client, Ct);
            var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenantId);
            var baseSeq = await Reader(cluster.Client, tenantId).GetLastSeqAsync(Ct);
            const int Reads = 20;
            var proofs = new List<AuditEventProof>();
            for (var i = 1; i <= Reads; i++)
            {
                var e = AuditChainClusterFixture.NewEvent(tenantId);
                await producer.PublishBatchAsync([e], Ct);
                await WaitForChainAsync(cluster.Client, tenantId, baseSeq + i);
                proofs.Add((await Reader(cluster.Client, tenantId).GetWithProofAsync(e.EventId, Ct))!);
                proofs.Add((await Reader(cluster.Client, tenantId).GetWithProofAsync(e.EventId, Ct))!);
            }

            // The first read found nothing covering its event and had one signed; the other 39 reads got no new one.
            var checkpoints = await Reader(cluster.Client, tenantId).ListCheckpointsAsync(0, 1000, Ct);
            Assert.Equal(baseSeq + 1, Assert.Single(checkpoints).Seq);
            Assert.Equal(baseSeq + 1, proofs[0].Checkpoint!.Seq);
            Assert.All(proofs.Skip(2), p => Assert.Null(p.Checkpoint));
        }
        finally
        {
            RequestContext.Clear();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task TailLeftUnsignedByAnActivation_IsSignedByTheReminder_WithoutANewEvent()
    {
        await using var database = new PostgresTestDatabase();
        await database.InitializeAsync();
        var store = new CheckpointGateAuditStore(new PostgresAuditStore(database.ConnectionString));
        var cluster = await AuditChainClusterFixture.StartAsync(
            database.ConnectionString,
            configureChain: o =>
            {
                // Neither the event count nor the timer signs during this test: only deactivation or the reminder can.
                o.CheckpointEveryEvents = 1_000_000;
                o.CheckpointInterval = TimeSpan.FromHours(1);
                o.TailCheckpointReminderPeriod = TimeSpan.FromSeconds(1);
            },
            configureServices: services =>
            {
                services.AddSingleton<IAuditStore>(store);
                services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            });
        try
        {
            var tenantId = await AuditChainClusterFixture.CreateTenantAsync(cluster.Client, Ct);
            var head = await Reader(cluster.Client, tenantId).GetLastSeqAsync(Ct) + 5;
            await cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenantId)
                .PublishBatchAsync([.. Enumerable.Range(0, 5).Select(_ => AuditChainClusterFixture.NewEvent(tenantId))], Ct);
            await WaitForChainAsync(cluster.Client, tenantId, head);
            Assert.Equal(1, await CountTailRemindersAsync(database.ConnectionString, Ct));

            // The activation ends without signing its tail, as a killed silo's would: its last checkpoint write fails.
            store.RefuseCheckpoints = true;
            await cluster.Client.GetGrain<IAuditChainGrain>(tenantId).Cast<IGrainManagementExtension>().DeactivateOnIdle(Ct);
            await PollAsync(() => Task.FromResult(store.RefusedCheckpoints > 0), "the deactivating chain tried to sign its tail");
            Assert.True(((await store.FindCheckpointAsync(tenantId, null, Ct))?.Seq ?? 0) < head);
            store.RefuseCheckpoints = false;

            // No new event: the reminder activates the chain, which signs the tail and drops the reminder.
            await PollAsync(async () => (await store.FindCheckpointAsync(tenantId, null, Ct))?.Seq == head, "a checkpoint at the head");
            await PollAsync(async () => await CountTailRemindersAsync(database.ConnectionString, Ct) == 0, "the tail reminder dropped");
            Assert.True((await Reader(cluster.Client, tenantId).VerifyAsync(Ct)).Valid);
            Assert.Equal(head, (await store.GetHeadAsync(tenantId, Ct)).Seq);
        }
        finally
        {
            RequestContext.Clear();
            await cluster.DisposeAsync();
            await store.DisposeAsync();
        }
    }

    private static async Task<long> CountTailRemindersAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_reminders WHERE reminder_name = @name", connection);
        command.Parameters.AddWithValue("name", AuditChainGrain.TailReminderName);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static Task PollAsync(Func<Task<bool>> condition, string what) =>
        WaitUntil.TrueAsync(condition, TimeSpan.FromSeconds(30), () => what, Ct, TimeSpan.FromMilliseconds(50));

    private static IAuditReaderGrain Reader(IClusterClient client, string tenantId)
    {
        TenantCallContext.SetTenant(tenantId);
        return client.GetGrain<IAuditReaderGrain>(tenantId);
    }

    private static async Task<IReadOnlyDictionary<string, byte[]>> SigningKeysAsync(IClusterClient client, string tenantId)
    {
        TenantCallContext.SetTenant(tenantId);
        var keys = await client.GetGrain<ITenantGrain>(tenantId).GetPublicKeysAsync(Ct);
        return keys.SigningKeys.ToDictionary(k => k.KeyId, k => k.PublicKey, StringComparer.Ordinal);
    }

    private static Task WaitForChainAsync(IClusterClient client, string tenantId, long count) =>
        PollAsync(async () => await Reader(client, tenantId).GetLastSeqAsync(Ct) >= count, $"{count} events chained");
}
