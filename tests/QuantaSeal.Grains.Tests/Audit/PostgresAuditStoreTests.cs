using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// <see cref="PostgresAuditStore"/> on a real database (deploy/sql/0006): what the chain grain relies on — a batch and
/// its checkpoint land together or not at all, and a conflict says whether it is a redelivered event or a taken seq.
/// Each test uses its own tenant.
/// </summary>
public sealed class PostgresAuditStoreTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>, IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 18, 30, 0, 250, TimeSpan.Zero);
    private readonly string _tenant = "ten_" + Ulid.NewUlid();
    private PostgresAuditStore? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresAuditStore Store => _store ??= new PostgresAuditStore(database.ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Chains <paramref name="count"/> events after <paramref name="head"/>; every other one has its optional fields (the intent link included) null.</summary>
    private List<AuditRecord> Chain(AuditChainHead head, int count)
    {
        var records = new List<AuditRecord>(count);
        var hash = head.Hash.ToArray();
        for (var i = 1; i <= count; i++)
        {
            var seq = head.Seq + i;
            var full = seq % 2 == 0;
            records.Add(AuditHashChain.Link(hash, new AuditRecord(
                "aud_" + Ulid.NewUlid(), _tenant, seq, T0.AddMilliseconds(seq), "key_" + Ulid.NewUlid(), "proxy.outbound",
                full ? "int_" + Ulid.NewUlid() : null, full ? "get_users" : null, full ? "success" : "denied",
                full ? 200 : null, full ? new string('c', 64) : null, full ? seq : null, full ? "obj \"quoted\" é" : null,
                full ? "aud_" + Ulid.NewUlid() : null)));
        }

        return records;
    }

    private AuditCheckpoint Checkpoint(AuditRecord at) =>
        new(_tenant, at.Seq, at.Hash, T0.AddMinutes(1), "sk_test", [1, 2, 3]);

    [Theory]
    [InlineData(1)]
    [InlineData(PostgresAuditStore.CopyThreshold - 1)]
    [InlineData(PostgresAuditStore.CopyThreshold)]
    [InlineData(1500)]
    public async Task Append_StoresEveryField_AndMovesTheHead_WithItsCheckpoint(int count)
    {
        var records = Chain(await Store.GetHeadAsync(_tenant, Ct), count);

        await Store.AppendAsync(_tenant, records, Checkpoint(records[^1]), Ct);

        var stored = await Store.ReadRangeAsync(_tenant, 1, count, 2000, Ct);
        Assert.Equal(records, stored);
        var head = await Store.GetHeadAsync(_tenant, Ct);
        Assert.Equal((count, records[^1].Hash, count), (head.Seq, Convert.ToHexStringLower(head.Hash), head.CheckpointSeq));
        var walker = new AuditChainWalker(_tenant, [], new Dictionary<string, byte[]>());
        Assert.All(stored, r => Assert.True(walker.Add(r)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(PostgresAuditStore.CopyThreshold + 5)]
    public async Task RedeliveredEvent_IsADuplicateConflict_AndNothingOfTheBatchIsWritten(int batch)
    {
        var first = Chain(await Store.GetHeadAsync(_tenant, Ct), 10);
        await Store.AppendAsync(_tenant, first, null, Ct);
        var head = await Store.GetHeadAsync(_tenant, Ct);
        var second = Chain(head, batch);
        second[3] = second[3] with { EventId = first[2].EventId };

        var conflict = await Assert.ThrowsAsync<AuditAppendConflictException>(() => Store.AppendAsync(_tenant, second, Checkpoint(second[^1]), Ct));

        Assert.Equal(AuditAppendConflict.DuplicateEvent, conflict.Conflict);
        Assert.Equal((10L, 0L), ((await Store.GetHeadAsync(_tenant, Ct)).Seq, (await Store.GetHeadAsync(_tenant, Ct)).CheckpointSeq));
        Assert.Equal([first[2].EventId], await Store.FindExistingAsync([first[2].EventId, second[0].EventId], Ct));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(PostgresAuditStore.CopyThreshold)]
    public async Task StaleHead_IsASeqTakenConflict(int batch)
    {
        var empty = await Store.GetHeadAsync(_tenant, Ct);
        await Store.AppendAsync(_tenant, Chain(empty, 3), null, Ct);

        var conflict = await Assert.ThrowsAsync<AuditAppendConflictException>(() => Store.AppendAsync(_tenant, Chain(empty, batch), null, Ct));

        Assert.Equal(AuditAppendConflict.SeqTaken, conflict.Conflict);
        Assert.Equal(3, (await Store.GetHeadAsync(_tenant, Ct)).Seq);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(PostgresAuditStore.CopyThreshold * 2)]
    public async Task FailingCheckpoint_TakesItsEventsWithIt(int batch)
    {
        var first = Chain(await Store.GetHeadAsync(_tenant, Ct), 4);
        await Store.AppendAsync(_tenant, first, Checkpoint(first[^1]), Ct);
        var second = Chain(await Store.GetHeadAsync(_tenant, Ct), batch);

        // A checkpoint at a seq that already has one violates its primary key: the events before it must go too.
        await Assert.ThrowsAsync<AuditAppendConflictException>(() => Store.AppendAsync(_tenant, second, Checkpoint(first[^1]), Ct));

        var head = await Store.GetHeadAsync(_tenant, Ct);
        Assert.Equal((4L, 4L), (head.Seq, head.CheckpointSeq));
        Assert.Empty(await Store.FindExistingAsync([.. second.Select(r => r.EventId)], Ct));
    }

    [Fact]
    public async Task UnreachableDatabase_IsUnavailable_WithoutTheConnectionString()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = 1, Timeout = 2 };
        await using var store = new PostgresAuditStore(builder.ConnectionString);

        var ex = await Assert.ThrowsAsync<AuditStoreUnavailableException>(() => store.AppendAsync(_tenant, Chain(new AuditChainHead(0, AuditHashChain.Genesis, 0), 2), null, Ct));

        Assert.DoesNotContain(builder.Password ?? "\u0000", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
