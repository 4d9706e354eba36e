using Microsoft.Extensions.Logging;
using Npgsql;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Refuses to start a silo whose PostgreSQL schema lacks a migration of this build, naming what is missing and how to
/// apply it. Runs one stage after <see cref="PostgresSchemaMigrationStartup"/> (when the silo migrates itself) and
/// before clustering, storage and the audit queue read their tables and queries.
/// </summary>
internal sealed partial class PostgresSchemaCheckStartup(
    IEnumerable<PostgresSchemaRequirement> requirements, ILogger<PostgresSchemaCheckStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The lifecycle stage of the check: right after the migrations of <see cref="ServiceLifecycleStage.First"/>.</summary>
    internal const int Stage = ServiceLifecycleStage.First + 1;

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(PostgresSchemaCheckStartup), Stage, CheckAsync);
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var connectionString in requirements.Select(r => r.ConnectionString).Distinct(StringComparer.Ordinal))
        {
            string? problem;
            try
            {
                problem = await PostgresSchemaMigrator.CheckAsync(connectionString, cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogUnreachable(logger, new RedactedConnectionString(connectionString), ex);
                throw;
            }

            if (problem is not null)
            {
                LogBehind(logger, new RedactedConnectionString(connectionString), problem);
                throw new InvalidOperationException(problem);
            }
        }
    }

    [LoggerMessage(EventId = PostgresLogEventIds.SchemaBehind, Level = LogLevel.Critical,
        Message = "The QuantaSeal schema at {ConnectionString} is not the one this build needs; the silo will not start: {Problem}")]
    private static partial void LogBehind(ILogger logger, RedactedConnectionString connectionString, string problem);

    [LoggerMessage(EventId = PostgresLogEventIds.SchemaCheckFailed, Level = LogLevel.Critical,
        Message = "Could not check the QuantaSeal schema at {ConnectionString}; the silo will not start")]
    private static partial void LogUnreachable(ILogger logger, RedactedConnectionString connectionString, Exception exception);
}
