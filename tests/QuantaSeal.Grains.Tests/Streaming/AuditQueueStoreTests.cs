using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// The audit queue on PostgreSQL (deploy/sql/0007) through <see cref="AuditQueueStore"/> and <see cref="AuditQueueReceiver"/>:
/// read order is commit-safe (a message committed late by a slower writer is read in its place, never skipped), reads
/// write nothing, a confirmation deletes exactly the delivered messages (never those given up on), which are moved whole
/// to the dead letters. Each test uses its own queue.
/// </summary>
public sealed class AuditQueueStoreTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>, IAsyncDisposable
{
    private const string ServiceId = "queue-tests";
    private readonly string _queue = $"audit-{Guid.NewGuid():N}";
    private readonly AuditQueueStore _store = new(NpgsqlDataSource.Create(database.ConnectionString), ServiceId);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_ReturnsCommittedMessagesInOrder_FromThePosition_UpToTheLimit()
    {
        for (byte i = 1; i <= 5; i++)
        {
            await _store.EnqueueAsync(_queue, null, 1, [i], Ct);
        }

        var first = await ReadEventuallyAsync(0, 3, expected: 3);
        var rest = await ReadEventuallyAsync(first[^1].Tx, 10, expected: 2);

        Assert.Equal([1, 2, 3, 4, 5], first.Concat(rest).Select(r => (int)r.Payload[0]));
        Assert.True(first.Concat(rest).Select(r => r.Tx).Order().SequenceEqual(first.Concat(rest).Select(r => r.Tx)));
        Assert.Empty(await _store.ReadAsync(_queue, rest[^1].Tx, 10, Ct));
        Assert.Empty(await _store.ReadAsync("audit-other-" + _queue, 0, 10, Ct));
    }

    [Fact]
    public async Task AMessageCommittedLate_IsReadInItsPlace_NotSkipped()
    {
        // Writer A takes its transaction id first and commits last; writer B commits in between.
        await using var slow = await database.OpenAsync(Ct);
        await using var transaction = await slow.BeginTransactionAsync(Ct);
        await using (var insert = new NpgsqlCommand("INSERT INTO audit_queue_messages (service_id, queue_id, payload) VALUES ($1, $2, '\\x0a')", slow, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _queue });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await _store.EnqueueAsync(_queue, null, 1, [0x0b], Ct);
        var whileOpen = await _store.ReadAsync(_queue, 0, 10, Ct);
        await transaction.CommitAsync(Ct);
        var after = await ReadEventuallyAsync(0, 10, expected: 2);

        Assert.Empty(whileOpen);
        Assert.Equal([0x0a, 0x0b], after.Select(r => (int)r.Payload[0]));
    }

    [Fact]
    public async Task OneTransaction_HoldsAtMostOneMessage()
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO audit_queue_messages (service_id, queue_id, payload) VALUES ($1, $2, '\\x01'), ($1, $2, '\\x02')", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _queue });

        var error = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync(Ct));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }

    [Fact]
    public async Task Confirm_DeletesExactlyTheDeliveredMessages_NotTheRangeBetweenThem()
    {
        for (byte i = 1; i <= 4; i++)
        {
            await _store.EnqueueAsync(_queue, null, 1, [i], Ct);
        }

        var rows = await ReadEventuallyAsync(0, 10, expected: 4);
        var deleted = await _store.ConfirmAsync(_queue, [rows[0].Tx, rows[2].Tx], Ct);
        var left = await _store.ReadAsync(_queue, 0, 10, Ct);

        Assert.Equal(2, deleted);
        Assert.Equal([2, 4], left.Select(r => (int)r.Payload[0]));
    }

    [Fact]
    public async Task Receiver_DeadLettersFailedMessages_BeforeConfirming_SoNoneIsDeletedUnrecorded()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<AuditQueueBatch>>();
        var state = new AuditQueueState(_store, _queue, NullLogger.Instance);
        var receiver = new AuditQueueReceiver(state, serializer, NullLogger.Instance);
        var stream = AuditStreams.StreamIdFor("tnt_queue");
        foreach (var operation in new[] { "one", "two", "three" })
        {
            var batch = new AuditQueueBatch { StreamId = stream, Events = [Event(operation)] };
            await _store.EnqueueAsync(_queue, null, 1, serializer.SerializeToArray(batch), Ct);
        }

        // A read returns what is safe to read so far (a message whose transaction may still be followed by an earlier,
        // uncommitted one waits for the next read), so the three may arrive over more than one read.
        var read = new List<IBatchContainer>();
        await WaitUntil.TrueAsync(
            async () =>
            {
                read.AddRange(await receiver.GetQueueMessagesAsync(10, Ct));
                return read.Count >= 3;
            },
            TimeSpan.FromSeconds(10),
            () => $"3 messages read, got {read.Count}",
            Ct);
        Assert.Equal(3, read.Count);
        Assert.Equal(["one", "two", "three"], read.SelectMany(b => b.GetEvents<AuditEvent>()).Select(e => e.Item1.Operation));
        Assert.All(read, b => Assert.Equal(stream, b.StreamId));
        var failed = (AuditQueueBatch)read[1];
        state.MarkFailed(failed.SequenceToken.SequenceNumber);

        await receiver.MessagesDeliveredAsync(read, Ct);

        Assert.Equal(0, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_queue_messages WHERE queue_id = @q", new Dictionary<string, object?> { ["q"] = _queue }, Ct));
        var dead = await database.ScalarAsync<string>(
            "SELECT reason || ':' || (tx::text::bigint = @tx)::text FROM audit_queue_dead_letters WHERE queue_id = @q",
            new Dictionary<string, object?> { ["q"] = _queue, ["tx"] = failed.Tx }, Ct);
        Assert.Equal("delivery_failed:true", dead);
        Assert.Empty(state.Failed);
    }

    [Fact]
    public async Task FailedMessage_ThatCannotBeDeadLetteredYet_SurvivesConfirmations()
    {
        await using var unreachable = new AuditQueueStore(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=1"), ServiceId);
        var state = new AuditQueueState(unreachable, _queue, NullLogger.Instance);
        for (byte i = 1; i <= 3; i++)
        {
            await _store.EnqueueAsync(_queue, null, 1, [i], Ct);
        }

        var rows = await ReadEventuallyAsync(0, 10, expected: 3);
        var handler = new AuditQueueFailureHandler(state);
        await handler.OnDeliveryFailure(GuidId.GetNewGuidId(), AuditStreams.ProviderName, AuditStreams.StreamIdFor("tnt_q"), new Orleans.Providers.Streams.Common.EventSequenceTokenV2(rows[0].Tx));
        await _store.ConfirmAsync(_queue, [.. rows.Select(r => r.Tx).Except(state.Failed)], Ct);

        Assert.Equal([rows[0].Tx], state.Failed);
        Assert.Equal([1], (await _store.ReadAsync(_queue, 0, 10, Ct)).Select(r => (int)r.Payload[0]));
        Assert.Equal(0, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_queue_dead_letters WHERE queue_id = @q", new Dictionary<string, object?> { ["q"] = _queue }, Ct));
    }

    [Fact]
    public async Task ANewReader_GivesAMessageNotYetDeadLetteredAnotherDelivery()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<AuditQueueBatch>>();
        var state = new AuditQueueState(_store, _queue, NullLogger.Instance);
        await _store.EnqueueAsync(_queue, null, 1, serializer.SerializeToArray(new AuditQueueBatch { StreamId = AuditStreams.StreamIdFor("tnt_q"), Events = [Event("again")] }), Ct);
        var rows = await ReadEventuallyAsync(0, 10, expected: 1);
        state.MarkFailed(rows[0].Tx);

        var reader = new AuditQueueReceiver(state, serializer, NullLogger.Instance);
        IList<IBatchContainer> read = [];
        await WaitUntil.TrueAsync(async () => (read = await reader.GetQueueMessagesAsync(10, Ct)).Count > 0, TimeSpan.FromSeconds(10), () => "nothing read", Ct);
        await reader.MessagesDeliveredAsync(read, Ct);

        Assert.Single(read);
        Assert.Empty(state.Failed);
        Assert.Empty(await _store.ReadAsync(_queue, 0, 10, Ct));
        Assert.Equal(0, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_queue_dead_letters WHERE queue_id = @q", new Dictionary<string, object?> { ["q"] = _queue }, Ct));
    }

    [Fact]
    public async Task AReaderAheadOfItsServer_ReadsTheQueueAgainFromTheStart()
    {
        // Issue 12, hole 2: after a failover to a replica that had not received the last transactions (or a restore)
        // the server hands out transaction ids at or below what a reader has already read. Simulated by a reader
        // whose position is far above the server's next transaction id.
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<AuditQueueBatch>>();
        var state = new AuditQueueState(_store, _queue, NullLogger.Instance);
        var reader = new AuditQueueReceiver(state, serializer, NullLogger.Instance) { Position = long.MaxValue / 2 };
        await _store.EnqueueAsync(_queue, "tnt_q", 1, serializer.SerializeToArray(new AuditQueueBatch { StreamId = AuditStreams.StreamIdFor("tnt_q"), Events = [Event("after-failover")] }), Ct);

        IList<IBatchContainer> read = [];
        await WaitUntil.TrueAsync(async () => (read = await reader.GetQueueMessagesAsync(10, Ct)).Count > 0, TimeSpan.FromSeconds(10), () => "the new message was never read", Ct);

        Assert.Equal(["after-failover"], read.SelectMany(b => b.GetEvents<AuditEvent>()).Select(e => e.Item1.Operation));
        Assert.True(reader.Position < long.MaxValue / 2);
    }

    [Fact]
    public async Task DeadLetter_KeepsTheMessagesTenantAndEventCount_AndTheChainStoreCountsThem()
    {
        var tenant = $"ten_{Guid.NewGuid():N}";
        await _store.EnqueueAsync(_queue, tenant, 3, [1], Ct);
        var rows = await ReadEventuallyAsync(0, 10, expected: 1);
        await _store.DeadLetterAsync(_queue, rows[0].Tx, "delivery_failed", Ct);
        await using var chains = new QuantaSeal.Grains.Audit.PostgresAuditStore(database.ConnectionString);

        var counted = await chains.CountDeadLetteredAsync(tenant, Ct);
        var other = await chains.CountDeadLetteredAsync($"ten_{Guid.NewGuid():N}", Ct);

        Assert.Equal(3, counted.Events);
        Assert.Equal(0, other.Events);
    }

    [Fact]
    public async Task DeadLetteringTheSameTransactionIdTwice_KeepsBothMessages()
    {
        // Issue 12, hole 7: after transaction ids went backwards a second message can carry a tx already in the dead
        // letters; it must be kept there, not deleted from the queue without a copy.
        await _store.EnqueueAsync(_queue, "tnt_q", 1, [1], Ct);
        var rows = await ReadEventuallyAsync(0, 10, expected: 1);
        await _store.DeadLetterAsync(_queue, rows[0].Tx, "delivery_failed", Ct);
        await using (var connection = await database.OpenAsync(Ct))
        await using (var insert = new NpgsqlCommand("INSERT INTO audit_queue_messages (service_id, queue_id, tx, payload) VALUES ($1, $2, $3::text::xid8, '\\x02')", connection))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _queue });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rows[0].Tx.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var moved = await _store.DeadLetterAsync(_queue, rows[0].Tx, "delivery_failed", Ct);

        Assert.Equal(1, moved);
        Assert.Equal(2, await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_queue_dead_letters WHERE queue_id = @q", new Dictionary<string, object?> { ["q"] = _queue }, Ct));
        Assert.Empty(await _store.ReadAsync(_queue, 0, 10, Ct));
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static AuditEvent Event(string operation) => AuditStreamTestCluster.NewEvent("tnt_queue", operation: operation);

    // Reads are held back while any transaction on the server is still open (other tests share it), so wait a little.
    private async Task<List<(long Tx, byte[] Payload)>> ReadEventuallyAsync(long after, int max, int expected)
    {
        List<(long Tx, byte[] Payload)> rows = [];
        await WaitUntil.TrueAsync(
            async () => (rows = await _store.ReadAsync(_queue, after, max, Ct)).Count >= expected, TimeSpan.FromSeconds(10), () => $"{rows.Count} of {expected} read", Ct);
        return rows;
    }
}
