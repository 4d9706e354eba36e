using Npgsql;

namespace QuantaSeal.Grains.Hosting.Streaming;

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
