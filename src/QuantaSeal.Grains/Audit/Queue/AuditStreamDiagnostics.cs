using Npgsql;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Read-only figures about the durable audit transport for health checks and metrics. A dead-lettered audit event
/// is missing from its tenant's chain, so any dead letter is an operator matter (DESIGN §7, issue 5).
/// </summary>
public static class AuditStreamDiagnostics
{
    private const string CountDeadLettersSql =
        "SELECT count(*) FROM audit_queue_dead_letters";

    private const string CountPendingSql =
        "SELECT count(*) FROM audit_queue_messages";

    // Seconds since the oldest queued message was enqueued (0 when none): how far the chains lag behind what callers
    // were told is recorded. Whole seconds; the server's clock on both ends.
    private const string OldestPendingSql =
        "SELECT coalesce(floor(extract(epoch FROM now() - min(enqueued_on))), 0)::bigint FROM audit_queue_messages";

    private const string PreparedTransactionsSql =
        "SELECT count(*) FROM pg_prepared_xacts";

    // One dead letter back into the queue, in one statement (one transaction: the queue holds one message per
    // transaction). It gets a new transaction id, so every reader reads it whatever its position; the chain drops
    // events it already has, so a message that was in fact delivered is harmless.
    private const string RedriveOneSql = """
        WITH moved AS (
            DELETE FROM audit_queue_dead_letters
            WHERE id = (SELECT id FROM audit_queue_dead_letters WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING service_id, queue_id, tenant_id, event_count, payload)
        INSERT INTO audit_queue_messages (service_id, queue_id, tenant_id, event_count, payload)
        SELECT service_id, queue_id, tenant_id, event_count, payload FROM moved
        RETURNING coalesce(event_count, 0)
        """;

    /// <summary>
    /// Audit stream messages in the dead-letter table (each holds one or more events): messages whose chain kept
    /// failing to take them, or that could not be read back. Zero when healthy.
    /// </summary>
    /// <param name="connectionString">The silo's Npgsql connection string; short timeouts are applied.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static Task<long> CountDeadLettersAsync(string connectionString, CancellationToken cancellationToken = default) =>
        CountAsync(connectionString, CountDeadLettersSql, cancellationToken);

    /// <summary>
    /// Audit stream messages queued and not yet confirmed (not delivered yet, or delivered and awaiting confirmation).
    /// A figure that keeps growing means the consumers do not keep up or a queue is not being read.
    /// </summary>
    /// <param name="connectionString">The silo's Npgsql connection string; short timeouts are applied.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static Task<long> CountPendingAsync(string connectionString, CancellationToken cancellationToken = default) =>
        CountAsync(connectionString, CountPendingSql, cancellationToken);

    /// <summary>
    /// Age in whole seconds of the oldest audit stream message still queued (0 when the queue is empty): the alarm of
    /// the audit transport. It grows while a chain cannot take its events (database maintenance, a failing chain store)
    /// or while an open write transaction anywhere on the server holds the readers back; messages are dead-lettered only
    /// after <see cref="AuditStreamSettings.MaxEventDeliveryTime"/>.
    /// </summary>
    /// <param name="connectionString">The silo's Npgsql connection string; short timeouts are applied.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static Task<long> OldestPendingSecondsAsync(string connectionString, CancellationToken cancellationToken = default) =>
        CountAsync(connectionString, OldestPendingSql, cancellationToken);

    /// <summary>
    /// Prepared (two-phase) transactions on the server. One left behind by a crashed transaction manager stays open
    /// until someone commits or rolls it back, and holds every audit queue reader back meanwhile (DESIGN §7).
    /// </summary>
    /// <param name="connectionString">The silo's Npgsql connection string; short timeouts are applied.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static Task<long> CountPreparedTransactionsAsync(string connectionString, CancellationToken cancellationToken = default) =>
        CountAsync(connectionString, PreparedTransactionsSql, cancellationToken);

    /// <summary>
    /// Moves dead letters back into the audit queue, oldest first, each in its own transaction (the message leaves the
    /// dead letters exactly when it enters the queue), at most <paramref name="maxMessages"/>.
    /// </summary>
    /// <param name="connectionString">The silo's Npgsql connection string; short timeouts are applied.</param>
    /// <param name="tenantId">Only this tenant's dead letters, or all when null.</param>
    /// <param name="maxMessages">Upper bound of messages moved by this call.</param>
    /// <param name="cancellationToken">Stops between two messages.</param>
    /// <returns>Messages and events moved.</returns>
    public static async Task<(long Messages, long Events)> RedriveAsync(string connectionString, string? tenantId, int maxMessages, CancellationToken cancellationToken = default)
    {
        var cs = AuditStreamHosting.ForStreams(connectionString, AuditStreamSettings.Default);
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        long messages = 0, events = 0;
        while (messages < maxMessages)
        {
            await using var command = new NpgsqlCommand(RedriveOneSql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            var moved = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (moved is not int count)
            {
                break;
            }

            messages++;
            events += count;
        }

        return (messages, events);
    }

    private static async Task<long> CountAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var cs = AuditStreamHosting.ForStreams(connectionString, AuditStreamSettings.Default);
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is long count ? count : 0;
    }
}
