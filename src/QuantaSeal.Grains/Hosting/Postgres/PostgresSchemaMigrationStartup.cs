using Microsoft.Extensions.Logging;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Runs <see cref="PostgresSchemaMigrator"/> at the very first silo lifecycle stage, before clustering, grain
/// storage and reminders read their queries from <c>OrleansQuery</c>. A failed or refused migration fails the
/// silo start.
/// </summary>
internal sealed partial class PostgresSchemaMigrationStartup(
    string connectionString, ILogger<PostgresSchemaMigrationStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(PostgresSchemaMigrationStartup), ServiceLifecycleStage.First, MigrateAsync);
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PostgresSchemaMigrator.MigrateAsync(connectionString, logger, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
            throw;
        }
    }

    [LoggerMessage(EventId = PostgresLogEventIds.SchemaMigrationFailed, Level = LogLevel.Critical,
        Message = "PostgreSQL schema migration failed; the silo will not start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
