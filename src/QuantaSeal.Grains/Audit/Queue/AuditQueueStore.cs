using Npgsql;
using NpgsqlTypes;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// The statements of the audit queue (deploy/sql/0007). Every statement is one round trip in its own transaction and
/// is prepared once per connection (the pool auto-prepares; <see cref="AuditStreamHosting.ForStreams"/>).
/// </summary>
internal sealed class AuditQueueStore(NpgsqlDataSource dataSource, string serviceId) : IAsyncDisposable
{
    private const string EnqueueSql =
        "INSERT INTO audit_queue_messages (service_id, queue_id, tenant_id, event_count, payload) VALUES ($1, $2, $3, $4, $5)";

    // xid8 has no cast from bigint: the position travels as bigint and is compared through text. The one row of the
    // snapshot always comes back (with NULLs when nothing is queued): its xmax is the next transaction id the server
    // will hand out, which the reader compares with its position.
    private const string ReadSql = """
        SELECT pg_snapshot_xmax(s.snap)::text::bigint, m.tx, m.payload
        FROM (SELECT pg_current_snapshot() AS snap) s
        LEFT JOIN LATERAL (
            SELECT tx::text::bigint AS tx, payload FROM audit_queue_messages
            WHERE service_id = $1 AND queue_id = $2 AND tx > $3::text::xid8 AND tx < pg_snapshot_xmin(s.snap)
            ORDER BY tx
            LIMIT $4) m ON true
        ORDER BY m.tx
        """;

    private const string QueueIdsSql = "SELECT DISTINCT queue_id FROM audit_queue_messages WHERE service_id = $1";

    private const string UnattributedDeadLettersSql =
        "SELECT id, payload FROM audit_queue_dead_letters WHERE tenant_id IS NULL AND id > $1 ORDER BY id LIMIT 500";

    private const string AttributeDeadLetterSql =
        "UPDATE audit_queue_dead_letters SET tenant_id = $2, event_count = $3 WHERE id = $1 AND tenant_id IS NULL";

    // The bounds keep it an index range scan; the list says which rows of the range go.
    private const string ConfirmSql = """
        DELETE FROM audit_queue_messages
        WHERE service_id = $1 AND queue_id = $2 AND tx BETWEEN $3::text::xid8 AND $4::text::xid8 AND tx::text::bigint = ANY ($5)
        """;

    private const string DeadLetterSql = """
        WITH moved AS (
            DELETE FROM audit_queue_messages
            WHERE service_id = $1 AND queue_id = $2 AND tx = $3::text::xid8
            RETURNING service_id, queue_id, tx, enqueued_on, tenant_id, event_count, payload)
        INSERT INTO audit_queue_dead_letters (service_id, queue_id, tx, enqueued_on, reason, tenant_id, event_count, payload)
        SELECT service_id, queue_id, tx, enqueued_on, $4, tenant_id, event_count, payload FROM moved
        """;

    /// <summary>Writes one message of <paramref name="tenantId"/>'s stream; when this returns it is committed.</summary>
    public async Task EnqueueAsync(string queueId, string? tenantId, int eventCount, byte[] payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EnqueueSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = eventCount });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="maxCount"/> messages after <paramref name="afterTx"/>, in commit-safe order.</summary>
    public async Task<List<(long Tx, byte[] Payload)>> ReadAsync(string queueId, long afterTx, int maxCount, CancellationToken cancellationToken) =>
        (await ReadWithHorizonAsync(queueId, afterTx, maxCount, cancellationToken).ConfigureAwait(false)).Rows;

    /// <summary>
    /// <see cref="ReadAsync"/>, plus the server's next transaction id (the snapshot's xmax): a position at or above it
    /// means the server's transaction ids went backwards under the reader (failover, restore).
    /// </summary>
    public async Task<(List<(long Tx, byte[] Payload)> Rows, long NextTx)> ReadWithHorizonAsync(string queueId, long afterTx, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterTx });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        var rows = new List<(long, byte[])>();
        long nextTx = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            nextTx = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                rows.Add((reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        return (rows, nextTx);
    }

    /// <summary>The queue keys under which this service has messages queued.</summary>
    public async Task<IReadOnlyList<string>> ListQueueIdsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(QueueIdsSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>
    /// Fills in the tenant and event count of dead letters written before deploy/sql/0009 by reading their payloads
    /// (<paramref name="describe"/> returns null for one it cannot read, which stays unattributed). Returns how many.
    /// </summary>
    public async Task<int> AttributeDeadLettersAsync(Func<byte[], (string TenantId, int Events)?> describe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(describe);
        var done = 0;
        for (long after = 0; ;)
        {
            var page = new List<(long Id, byte[] Payload)>();
            await using (var command = dataSource.CreateCommand(UnattributedDeadLettersSql))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    page.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
                }
            }

            foreach (var (id, payload) in page)
            {
                if (describe(payload) is not { } described)
                {
                    continue;
                }

                await using var update = dataSource.CreateCommand(AttributeDeadLetterSql);
                update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = described.TenantId });
                update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = described.Events });
                done += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (page.Count < 500)
            {
                return done;
            }

            after = page[^1].Id;
        }
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

    /// <summary>Moves one message to the dead letters (nothing if it is no longer queued); returns how many moved.</summary>
    public async Task<int> DeadLetterAsync(string queueId, long tx, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeadLetterSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tx });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
