using Npgsql;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Tests.Streaming;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// The chain end to end on PostgreSQL: real publisher (group commit), durable stream, AuditChainGrain, chain tables,
/// reader grain. Each test uses its own tenant, so they share one silo.
/// </summary>
[Collection(AuditChainCollection.Name)]
public sealed class AuditChainGrainTests(AuditChainClusterFixture fixture)
{
    /// <summary>The events the tenant grain records when the test creates the tenant (tenant.create intent and outcome).</summary>
    private const int Created = AuditChainClusterFixture.CreationEvents;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentPublishes_AreChainedOnce_InOrderWithoutGaps_WithSignedCheckpoints()
    {
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(fixture.Client, Ct);
        var events = Enumerable.Range(0, 600).Select(_ => AuditChainClusterFixture.NewEvent(tenantId)).ToList();

        await fixture.Client.GetGrain<IAuditPublisherTestGrain>("p").PublishConcurrentlyAsync(events, Ct);
        var rows = await WaitForChainAsync(fixture.Client, tenantId, Created + 600);

        Assert.Equal(Enumerable.Range(1, Created + 600).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(events.Select(e => e.EventId).Order(StringComparer.Ordinal), rows.Skip(Created).Select(r => r.EventId).Order(StringComparer.Ordinal));
        var report = await Reader(tenantId).VerifyAsync(Ct);
        Assert.True(report.Valid, report.Problem);
        Assert.Equal(Created + 600, report.EventsChecked);
        // A delivery that takes the chain 40 or more events past its last checkpoint carries a new one.
        Assert.True(report.CheckpointsChecked >= 1, $"{report.CheckpointsChecked} checkpoints");
        TenantCallContext.SetTenant(tenantId);
        var latest = await fixture.Client.GetGrain<IAuditChainGrain>(tenantId).CheckpointNowAsync(Ct);
        Assert.Equal(Created + 600, latest!.Seq);
        Assert.Equal(rows[^1].Hash, latest.Hash);
        var checkpoints = await Reader(tenantId).ListCheckpointsAsync(0, 1000, Ct);
        Assert.All(checkpoints, c => Assert.Equal(tenantId, c.TenantId));
        Assert.Equal(checkpoints.Select(c => c.Seq).Order(), checkpoints.Select(c => c.Seq));
    }

    [Fact]
    public async Task RedeliveredEvents_AreNotChainedTwice_InOneBatch_AcrossBatches_OrAfterASiloRestart()
    {
        await using var database = new PostgresTestDatabase();
        await database.InitializeAsync();
        var serviceId = "qs-restart-" + Guid.NewGuid().ToString("N");
        var cluster = await AuditChainClusterFixture.StartAsync(database.ConnectionString, serviceId);
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(cluster.Client, Ct);
        var first = Enumerable.Range(0, 10).Select(_ => AuditChainClusterFixture.NewEvent(tenantId)).ToList();
        try
        {
            var producer = cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenantId);
            await producer.PublishBatchAsync(first, Ct);
            await WaitForChainAsync(cluster.Client, tenantId, Created + 10);

            // The stream is at-least-once: the same events again, one of them twice within the batch, plus new ones.
            var fresh = Enumerable.Range(0, 5).Select(_ => AuditChainClusterFixture.NewEvent(tenantId)).ToList();
            await producer.PublishBatchAsync([.. first.Take(5), first[3], .. fresh], Ct);
            await WaitForChainAsync(cluster.Client, tenantId, Created + 15);
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        // A new silo: its chain activation has never seen these ids, so only the unique event id in the table stops them.
        cluster = await AuditChainClusterFixture.StartAsync(database.ConnectionString, serviceId);
        try
        {
            var last = AuditChainClusterFixture.NewEvent(tenantId);
            await cluster.Client.GetGrain<IAuditStreamProducerGrain>(tenantId).PublishBatchAsync([.. first, last], Ct);
            var rows = await WaitForChainAsync(cluster.Client, tenantId, Created + 16);

            // Nothing else arrives later.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            TenantCallContext.SetTenant(tenantId);
            Assert.Equal(Created + 16, await cluster.Client.GetGrain<IAuditReaderGrain>(tenantId).GetLastSeqAsync(Ct));
            Assert.Equal(Created + 16, rows.Select(r => r.EventId).Distinct().Count());
            Assert.Equal(last.EventId, rows[^1].EventId);
            var report = await cluster.Client.GetGrain<IAuditReaderGrain>(tenantId).VerifyAsync(Ct);
            Assert.True(report.Valid, report.Problem);
        }
        finally
        {
            RequestContext.Clear();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task EventsOfAnotherTenantOrMalformed_AreRefused_AndTheStreamKeepsFlowing()
    {
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(fixture.Client, Ct);
        var foreign = AuditChainClusterFixture.NewEvent("ten_01JZZZZZZZZZZZZZZZZZZZZZZZ");
        var badId = AuditChainClusterFixture.NewEvent(tenantId) with { EventId = "aud_not-a-ulid" };
        var good = AuditChainClusterFixture.NewEvent(tenantId);

        await fixture.Client.GetGrain<IAuditStreamProducerGrain>(tenantId).PublishBatchAsync([foreign, badId, good], Ct);
        var rows = await WaitForChainAsync(fixture.Client, tenantId, Created + 1);

        Assert.Equal(good.EventId, Assert.Single(rows.Skip(Created)).EventId);
        var next = AuditChainClusterFixture.NewEvent(tenantId);
        await fixture.Client.GetGrain<IAuditPublisherTestGrain>("p").PublishConcurrentlyAsync([next], Ct);
        rows = await WaitForChainAsync(fixture.Client, tenantId, Created + 2);
        Assert.Equal(next.EventId, rows[Created + 1].EventId);
    }

    [Fact]
    public async Task InclusionProof_ChecksAgainstTheSignedCheckpoint_AndFailsWhenAnEventIsAltered()
    {
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(fixture.Client, Ct);
        var events = Enumerable.Range(0, 30).Select(_ => AuditChainClusterFixture.NewEvent(tenantId)).ToList();
        await fixture.Client.GetGrain<IAuditPublisherTestGrain>("p").PublishConcurrentlyAsync(events, Ct);
        var rows = await WaitForChainAsync(fixture.Client, tenantId, Created + 30);
        var keys = await SigningKeysAsync(tenantId);

        var proof = await Reader(tenantId).GetWithProofAsync(rows[Created + 9].EventId, Ct);

        Assert.NotNull(proof);
        Assert.NotNull(proof.Checkpoint);
        Assert.Equal(Created + 10, proof.Event.Seq);
        Assert.Equal(proof.Checkpoint.Seq - (Created + 10), proof.Following.Count);
        var checkpoint = proof.Checkpoint;
        var result = AuditInclusionProof.Verify(proof.Event, proof.PreviousHash, proof.Following, checkpoint, keys);
        Assert.True(result.Valid, result.Problem);

        var altered = proof.Event with { Outcome = AuditOutcomes.Denied };
        Assert.False(AuditInclusionProof.Verify(altered, proof.PreviousHash, proof.Following, checkpoint, keys).Valid);
        Assert.Null(await Reader(tenantId).GetWithProofAsync("aud_01JZZZZZZZZZZZZZZZZZZZZZZZ", Ct));
    }

    [Fact]
    public async Task ChainTables_AreAppendOnly_ForTheApplicationRole()
    {
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(fixture.Client, Ct);
        await fixture.Client.GetGrain<IAuditPublisherTestGrain>("p").PublishConcurrentlyAsync([AuditChainClusterFixture.NewEvent(tenantId)], Ct);
        await WaitForChainAsync(fixture.Client, tenantId, Created + 1);

        foreach (var sql in new[]
        {
            $"UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = '{tenantId}'",
            $"DELETE FROM audit_events WHERE tenant_id = '{tenantId}'",
            "TRUNCATE audit_events",
            $"DELETE FROM audit_checkpoints WHERE tenant_id = '{tenantId}'",
        })
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => fixture.ExecuteAsync(sql, Ct));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }

    public static TheoryData<string> Tamperings => ["change", "delete", "swap", "insert", "truncate-tail"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampering_InTheDatabase_IsNamedAtTheRightSeq_ByTheApiAndByTheOfflineVerifier(string tampering)
    {
        var tenantId = await AuditChainClusterFixture.CreateTenantAsync(fixture.Client, Ct);
        var events = Enumerable.Range(0, 100).Select(_ => AuditChainClusterFixture.NewEvent(tenantId)).ToList();
        await fixture.Client.GetGrain<IAuditPublisherTestGrain>("p").PublishConcurrentlyAsync(events, Ct);
        await WaitForChainAsync(fixture.Client, tenantId, Created + 100);
        TenantCallContext.SetTenant(tenantId);
        var head = await fixture.Client.GetGrain<IAuditChainGrain>(tenantId).CheckpointNowAsync(Ct);
        RequestContext.Clear();
        Assert.Equal(Created + 100, head!.Seq);
        Assert.True((await Reader(tenantId).VerifyAsync(Ct)).Valid);

        var t = tenantId;
        var (sql, expectedSeq) = tampering switch
        {
            "change" => ($"UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = '{t}' AND seq = 17", 17L),
            "delete" => ($"DELETE FROM audit_events WHERE tenant_id = '{t}' AND seq = 23", 23L),
            "swap" => ($"""
                UPDATE audit_events SET seq = seq + 1000000 WHERE tenant_id = '{t}' AND seq IN (30, 31);
                UPDATE audit_events SET seq = 31 WHERE tenant_id = '{t}' AND seq = 1000030;
                UPDATE audit_events SET seq = 30 WHERE tenant_id = '{t}' AND seq = 1000031;
                """, 30L),
            "insert" => ($"""
                UPDATE audit_events SET seq = seq + 1000000 WHERE tenant_id = '{t}' AND seq >= 50;
                UPDATE audit_events SET seq = seq - 999999 WHERE tenant_id = '{t}' AND seq >= 1000000;
                INSERT INTO audit_events (tenant_id, seq, event_id, occurred_at, actor, action, outcome, hash)
                VALUES ('{t}', 50, 'aud_01JZZZZZZZZZZZZZZZZZZZZZZZ', now(), 'ak_forged', 'vault.unseal', 'success', decode(repeat('ab', 32), 'hex'));
                """, 50L),
            "truncate-tail" => ($"DELETE FROM audit_events WHERE tenant_id = '{t}' AND seq > 90", 91L),
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        };
        await fixture.ExecuteAsync($"ALTER TABLE audit_events DISABLE TRIGGER USER; {sql}; ALTER TABLE audit_events ENABLE TRIGGER USER;", Ct);

        var report = await Reader(tenantId).VerifyAsync(Ct);
        Assert.False(report.Valid);
        Assert.Equal(expectedSeq, report.FirstBadSeq);

        // The export a client downloads, checked offline with only the tenant's public keys.
        var export = await ExportAsync(tenantId);
        var (exportTenant, exported, checkpoints) = AuditExport.Read(new StringReader(export));
        var offline = AuditChainVerifier.Verify(exportTenant, exported, checkpoints, await SigningKeysAsync(tenantId));
        Assert.False(offline.Valid);
        Assert.Equal(expectedSeq, offline.FirstBadSeq);
    }

    private IAuditReaderGrain Reader(string tenantId)
    {
        TenantCallContext.SetTenant(tenantId);
        return fixture.Client.GetGrain<IAuditReaderGrain>(tenantId);
    }

    private async Task<IReadOnlyDictionary<string, byte[]>> SigningKeysAsync(string tenantId)
    {
        TenantCallContext.SetTenant(tenantId);
        var keys = await fixture.Client.GetGrain<ITenantGrain>(tenantId).GetPublicKeysAsync(Ct);
        return keys.SigningKeys.ToDictionary(k => k.KeyId, k => k.PublicKey, StringComparer.Ordinal);
    }

    /// <summary>What GET /api/v2/audit/export writes, built from the reader grain the same way.</summary>
    private async Task<string> ExportAsync(string tenantId)
    {
        var reader = Reader(tenantId);
        var text = new System.Text.StringBuilder();
        text.Append(AuditExport.HeaderLine(tenantId, DateTimeOffset.UtcNow)).Append('\n');
        foreach (var e in await reader.ReadRangeAsync(1, long.MaxValue, 2000, Ct))
        {
            text.Append(AuditExport.EventLine(e)).Append('\n');
        }

        foreach (var c in await reader.ListCheckpointsAsync(0, 2000, Ct))
        {
            text.Append(AuditExport.CheckpointLine(c)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Waits until the chain holds <paramref name="count"/> events and returns them in seq order.</summary>
    private static async Task<IReadOnlyList<AuditRecord>> WaitForChainAsync(IClusterClient client, string tenantId, long count)
    {
        TenantCallContext.SetTenant(tenantId);
        var reader = client.GetGrain<IAuditReaderGrain>(tenantId);
        long seen = 0;
        await WaitUntil.TrueAsync(
            async () => (seen = await reader.GetLastSeqAsync(Ct)) >= count,
            TimeSpan.FromSeconds(30),
            () => $"the chain of {tenantId} to hold {count} events (it holds {seen})",
            Ct,
            TimeSpan.FromMilliseconds(50));
        return await reader.ReadRangeAsync(1, long.MaxValue, 2000, Ct);
    }
}

[CollectionDefinition(Name)]
public sealed class AuditChainCollection : ICollectionFixture<AuditChainClusterFixture>
{
    public const string Name = "audit-chain";
}
