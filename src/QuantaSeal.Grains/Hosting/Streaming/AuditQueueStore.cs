using Npgsql;
using NpgsqlTypes;

namespace QuantaSeal.Grains.Hosting.Streaming;

/// <summary>
/// The statements of the audit queue (deploy/sql/0007). Every statement is one round trip in its own transaction and
/// is prepared once per connection (the pool auto-prepares; <see cref="AuditStreamHosting.ForStreams"/>).
/// </summary>
internal sealed class AuditQueueStore(NpgsqlDataSource dataSource, string serviceId) : IAsyncDisposable
{
    private const string EnqueueSql =
        "INSERT INTO audit_queue_messages (service_id, queue_id, payload) VALUES ($1, $2, $3)";

    // xid8 has no cast from bigint: the position travels as bigint and is compared through text.
    private const string ReadSql = """
        SELECT tx::text::bigint, payload FROM audit_queue_messages
        WHERE service_id = $1 AND queue_id = $2 AND tx > $3::text::xid8 AND tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx
        LIMIT $4
        """;

    // The bounds keep it an index range scan; the list says which rows of the range go.
    private const string ConfirmSql = """
        DELETE FROM audit_queue_messages
        WHERE service_id = $1 AND queue_id = $2 AND tx BETWEEN $3::text::xid8 AND $4::text::xid8 AND tx::text::bigint = ANY ($5)
        """;

    private const string DeadLetterSql = """
        WITH moved AS (
            DELETE FROM audit_queue_messages
            WHERE service_id = $1 AND queue_id = $2 AND tx = $3::text::xid8
            RETURNING service_id, queue_id, tx, enqueued_on, payload)
        INSERT INTO audit_queue_dead_letters (service_id, queue_id, tx, enqueued_on, reason, payload)
        SELECT service_id, queue_id, tx, enqueued_on, $4, payload FROM moved
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Writes one message; when this returns it is committed.</summary>
    public async Task EnqueueAsync(string queueId, byte[] payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EnqueueSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="maxCount"/> messages after <paramref name="afterTx"/>, in commit-safe order.</summary>
    public async Task<List<(long Tx, byte[] Payload)>> ReadAsync(string queueId, long afterTx, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterTx });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        var rows = new List<(long, byte[])>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }

        return rows;
    }

    /// <summary>Deletes exactly the messages <paramref name="delivered"/>; returns how many were still there.</summary>
    public async Task<int> ConfirmAsync(string queueId, IReadOnlyCollection<long> delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        if (delivered.Count == 0)
        {
            return 0;
        }

        await using var command = dataSource.CreateCommand(ConfirmSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delivered.Min() });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delivered.Max() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. delivered] });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves one message to the dead letters (nothing if it is no longer queued).</summary>
    public async Task DeadLetterAsync(string queueId, long tx, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeadLetterSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tx });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
