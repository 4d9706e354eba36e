using Npgsql;
using QuantaSeal.Grains.Hosting.Streaming;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// The six stream query keys of deploy/sql/0005, run the way the Orleans ADO.NET stream provider runs them (query
/// text from orleansquery, parameters by name with the provider's CLR types, result columns read by name). Each test
/// uses its own queue.
/// </summary>
public sealed class StreamQueryContractTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private const string ServiceId = "contract-tests";
    private const string ProviderId = AuditStreams.ProviderName;
    private readonly string _queueId = $"audit-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllSixQueryKeys_AreRegistered()
    {
        var keys = await database.ScalarAsync<string[]>(
            "SELECT array_agg(querykey ORDER BY querykey) FROM orleansquery WHERE querykey LIKE '%Stream%'", cancellationToken: Ct);

        Assert.Equal(
            ["ConfirmStreamMessagesKey", "EvictStreamDeadLettersKey", "EvictStreamMessagesKey", "FailStreamMessageKey",
             "GetStreamMessagesKey", "QueueStreamMessageKey"],
            keys!);
    }

    [Fact]
    public async Task Queue_ReturnsTheNewMessageId_WithTheColumnTypesTheProviderCasts()
    {
        var rows = await RunAsync("QueueStreamMessageKey", ("Payload", new byte[] { 1, 2 }), ("ExpiryTimeout", 60));

        var row = Assert.Single(rows);
        Assert.IsType<long>(row["MessageId"]);
        Assert.Equal(ServiceId, row["ServiceId"]);
        Assert.Equal(ProviderId, row["ProviderId"]);
        Assert.Equal(_queueId, row["QueueId"]);
    }

    [Fact]
    public async Task Get_ReturnsVisibleMessagesInQueueOrder_AndHidesThemForTheVisibilityTimeout()
    {
        var ids = await QueueAsync(3);

        var first = await GetAsync(maxCount: 2);
        var second = await GetAsync(maxCount: 2);
        var third = await GetAsync(maxCount: 2);

        Assert.Equal(ids[..2], first.Select(r => (long)r["MessageId"]));
        Assert.Equal([ids[2]], second.Select(r => (long)r["MessageId"]));
        Assert.Empty(third);
        var row = first[0];
        Assert.Equal(1, Assert.IsType<int>(row["Dequeued"]));
        Assert.IsType<DateTime>(row["VisibleOn"]);
        Assert.IsType<DateTime>(row["ExpiresOn"]);
        Assert.IsType<DateTime>(row["CreatedOn"]);
        Assert.IsType<DateTime>(row["ModifiedOn"]);
        Assert.Equal(new byte[] { 7 }, Assert.IsType<byte[]>(row["Payload"]));
        Assert.True((DateTime)row["VisibleOn"] > (DateTime)row["CreatedOn"]);
    }

    [Fact]
    public async Task Confirm_DeletesOnlyWithTheCurrentReceipt()
    {
        var id = (await QueueAsync(1))[0];
        await GetAsync();

        var stale = await RunAsync("ConfirmStreamMessagesKey", ("Items", $"{id}:2"));
        var current = await RunAsync("ConfirmStreamMessagesKey", ("Items", $"{id}:1"));

        Assert.Empty(stale);
        Assert.Equal(id, (long)Assert.Single(current)["MessageId"]);
        Assert.Equal(0, await PendingAsync());
    }

    [Fact]
    public async Task Release_NegativeReceipt_MakesTheMessageVisibleAtOnce_UnlessDequeuedAgain()
    {
        var id = (await QueueAsync(1))[0];
        await GetAsync(visibilityTimeout: 600);
        Assert.Empty(await GetAsync(visibilityTimeout: 600));

        var released = await RunAsync("ConfirmStreamMessagesKey", ("Items", $"{id}:-1"));
        var redelivered = Assert.Single(await GetAsync(visibilityTimeout: 600));
        var staleRelease = await RunAsync("ConfirmStreamMessagesKey", ("Items", $"{id}:-1"));

        Assert.Equal(id, (long)Assert.Single(released)["MessageId"]);
        Assert.Equal(2, (int)redelivered["Dequeued"]);
        Assert.Empty(staleRelease);
        Assert.Empty(await GetAsync());
    }

    [Fact]
    public async Task Fail_RetriesBelowMaxAttempts_ThenMovesTheMessageToDeadLetters()
    {
        var id = (await QueueAsync(1))[0];
        await GetAsync(visibilityTimeout: 600, maxAttempts: 2);

        await RunAsync("FailStreamMessageKey", ("MessageId", id), ("MaxAttempts", 2), ("RemovalTimeout", 60));
        var retried = Assert.Single(await GetAsync(visibilityTimeout: 600, maxAttempts: 2));
        await RunAsync("FailStreamMessageKey", ("MessageId", id), ("MaxAttempts", 2), ("RemovalTimeout", 60));

        Assert.Equal(2, (int)retried["Dequeued"]);
        Assert.Equal(0, await PendingAsync());
        Assert.Equal("delivery_failed:2", await DeadLetterAsync(id));
    }

    [Fact]
    public async Task Get_EvictsExpiredMessages_AtMostOncePerEvictionInterval()
    {
        var expired = (await QueueAsync(1, expiryTimeout: 0))[0];

        Assert.Empty(await GetAsync(evictionInterval: 600));
        var laterExpired = (await QueueAsync(1, expiryTimeout: 0))[0];
        Assert.Empty(await GetAsync(evictionInterval: 600));

        Assert.Equal("expired:0", await DeadLetterAsync(expired));
        Assert.Null(await DeadLetterAsync(laterExpired));
        Assert.Equal(1, await PendingAsync());
    }

    [Fact]
    public async Task EvictKeys_MoveExhaustedMessages_AndDeleteDeadLettersPastTheirRemovalTime()
    {
        var id = (await QueueAsync(1))[0];
        await GetAsync(visibilityTimeout: 0, maxAttempts: 1);

        await RunAsync("EvictStreamMessagesKey", ("MaxCount", 10), ("MaxAttempts", 1), ("RemovalTimeout", 0));
        var deadBeforeRemoval = await DeadLetterAsync(id);
        await RunAsync("EvictStreamDeadLettersKey", ("MaxCount", 10));

        Assert.Equal("max_attempts:1", deadBeforeRemoval);
        Assert.Null(await DeadLetterAsync(id));
        Assert.Equal(0, await PendingAsync());
    }

    [Fact]
    public async Task Get_SkipsRowsLockedByAnotherSession_InsteadOfWaiting()
    {
        var ids = await QueueAsync(2);
        await using var other = await database.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await using (var lockFirst = new NpgsqlCommand(
            "SELECT 1 FROM orleans_stream_messages WHERE queue_id = @queue AND message_id = @id FOR UPDATE", other, transaction))
        {
            lockFirst.Parameters.AddWithValue("queue", _queueId);
            lockFirst.Parameters.AddWithValue("id", ids[0]);
            await lockFirst.ExecuteScalarAsync(Ct);
        }

        var taken = await GetAsync(maxCount: 10);

        Assert.Equal([ids[1]], taken.Select(r => (long)r["MessageId"]));
        await transaction.RollbackAsync(Ct);
    }

    [Fact]
    public async Task CountDeadLetters_CountsTheAuditProvidersDeadLetters()
    {
        var before = await AuditStreamDiagnostics.CountDeadLettersAsync(database.ConnectionString, Ct);
        var id = (await QueueAsync(1))[0];
        await GetAsync(maxAttempts: 1);
        await RunAsync("FailStreamMessageKey", ("MessageId", id), ("MaxAttempts", 1), ("RemovalTimeout", 60));

        Assert.Equal(before + 1, await AuditStreamDiagnostics.CountDeadLettersAsync(database.ConnectionString, Ct));
    }

    private async Task<long[]> QueueAsync(int count, int expiryTimeout = 600)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            var rows = await RunAsync("QueueStreamMessageKey", ("Payload", new byte[] { 7 }), ("ExpiryTimeout", expiryTimeout));
            ids[i] = (long)rows[0]["MessageId"];
        }

        return ids;
    }

    private Task<List<Dictionary<string, object>>> GetAsync(
        int maxCount = 10, int maxAttempts = 10, int visibilityTimeout = 60, int evictionInterval = 0) =>
        RunAsync(
            "GetStreamMessagesKey",
            ("MaxCount", maxCount),
            ("MaxAttempts", maxAttempts),
            ("VisibilityTimeout", visibilityTimeout),
            ("RemovalTimeout", 600),
            ("EvictionInterval", evictionInterval),
            ("EvictionBatchSize", 100));

    private async Task<long> PendingAsync() =>
        await database.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_stream_messages WHERE queue_id = @queue",
            new Dictionary<string, object?> { ["queue"] = _queueId },
            Ct);

    private Task<string?> DeadLetterAsync(long messageId) =>
        database.ScalarAsync<string>(
            "SELECT reason || ':' || dequeued FROM orleans_stream_dead_letters WHERE queue_id = @queue AND message_id = @id",
            new Dictionary<string, object?> { ["queue"] = _queueId, ["id"] = messageId },
            Ct);

    // Binds like Orleans' DbStoredQueries.Columns: named parameters whose types Npgsql infers from the CLR values.
    private async Task<List<Dictionary<string, object>>> RunAsync(string queryKey, params (string Name, object Value)[] parameters)
    {
        var sql = await database.ScalarAsync<string>(
            "SELECT querytext FROM orleansquery WHERE querykey = @key", new Dictionary<string, object?> { ["key"] = queryKey }, Ct);
        await using var connection = await database.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ServiceId", ServiceId);
        command.Parameters.AddWithValue("ProviderId", ProviderId);
        command.Parameters.AddWithValue("QueueId", _queueId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<Dictionary<string, object>>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new Dictionary<string, object>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
