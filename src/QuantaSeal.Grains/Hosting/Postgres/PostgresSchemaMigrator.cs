using Microsoft.Extensions.Logging;
using Npgsql;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Applies the project's own PostgreSQL schema (the embedded <c>deploy/sql/NNNN_*.sql</c> files) in version
/// order and records each one in <c>qs_schema_migrations</c>.
/// </summary>
/// <remarks>
/// <para>Every file runs in its own transaction together with its history row, so a failing file leaves no trace
/// and the next start retries it. PostgreSQL DDL is transactional; a file therefore must not use statements that
/// refuse to run in a transaction block (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on old servers).</para>
/// <para>Silos starting together serialise on a transaction-scoped advisory lock; whoever gets it second sees the
/// history row of the first and skips the file.</para>
/// <para>An applied file is immutable: if its checksum (SHA-256 of the LF-normalised text) or its name no longer
/// matches the history, the migrator throws before changing anything, and the silo does not start. Migrations the
/// database has but this build does not know (a newer build ran first) are logged and tolerated, so a rolling
/// upgrade can still start old silos.</para>
/// </remarks>
internal sealed partial class PostgresSchemaMigrator
{
    /// <summary>Key of the <c>pg_advisory_xact_lock</c> all QuantaSeal migrators share ("QSSCHEMA").</summary>
    internal const long AdvisoryLockKey = 0x5153_5343_4845_4D41;

    /// <summary>Seconds a single migration file (or the wait for the lock) may take.</summary>
    private const int MigrationCommandTimeoutSeconds = 300;

    private const string CreateHistoryTableSql = """
        CREATE TABLE IF NOT EXISTS qs_schema_migrations
        (
            version    integer     NOT NULL,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT qs_schema_migrations_pk PRIMARY KEY (version)
        )
        """;

    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly ILogger _logger;

    /// <summary>Creates a migrator for an explicit, version-ordered set of migrations (tests use this).</summary>
    internal PostgresSchemaMigrator(IReadOnlyList<SchemaMigration> migrations, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(logger);
        _migrations = [.. migrations.OrderBy(m => m.Version)];
        _logger = logger;
    }

    /// <summary>Applies every embedded migration that the database does not have yet.</summary>
    /// <returns>The migrations applied by this call (empty when the schema was already current).</returns>
    /// <exception cref="InvalidOperationException">An applied migration was edited or renamed.</exception>
    internal static Task<IReadOnlyList<SchemaMigration>> MigrateAsync(
        string connectionString, ILogger logger, CancellationToken cancellationToken = default) =>
        new PostgresSchemaMigrator(SchemaMigration.LoadEmbedded(), logger).MigrateAsync(connectionString, cancellationToken);

    /// <summary>Applies the migrations of this instance that the database does not have yet.</summary>
    /// <returns>The migrations applied by this call (empty when the schema was already current).</returns>
    /// <exception cref="InvalidOperationException">An applied migration was edited or renamed.</exception>
    internal async Task<IReadOnlyList<SchemaMigration>> MigrateAsync(
        string connectionString, CancellationToken cancellationToken = default)
    {
        var safeConnectionString = PostgresConnectionStrings.WithSafeTimeouts(connectionString);
        Log.Migrating(_logger, new RedactedConnectionString(safeConnectionString), _migrations.Count);

        await using var connection = new NpgsqlConnection(safeConnectionString);
        await connection.OpenAsync(cancellationToken);

        // Pass 1: create the history table and check every applied file before touching anything.
        IReadOnlyDictionary<int, AppliedMigration> applied;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await LockAsync(connection, transaction, cancellationToken);
            await ExecuteAsync(connection, transaction, CreateHistoryTableSql, cancellationToken);
            applied = await ReadAppliedAsync(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        VerifyApplied(applied);

        // Pass 2: one transaction per pending file; re-check under the lock in case another silo got there first.
        var appliedNow = new List<SchemaMigration>();
        foreach (var migration in _migrations.Where(m => !applied.ContainsKey(m.Version)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockAsync(connection, transaction, cancellationToken);
            var current = await ReadAppliedAsync(connection, transaction, cancellationToken);
            if (current.TryGetValue(migration.Version, out var byOther))
            {
                Verify(migration, byOther);
                await transaction.CommitAsync(cancellationToken);
                continue;
            }

            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            }
            catch (PostgresException ex)
            {
                // The PostgreSQL message names the failing statement, never a parameter value: safe to surface.
                throw new InvalidOperationException(
                    $"Schema migration {migration.FileName} failed and was rolled back: {ex.SqlState} {ex.MessageText}"
                    + (ex.Position > 0 ? $" (at character {ex.Position})" : string.Empty),
                    ex);
            }

            await RecordAsync(connection, transaction, migration, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            appliedNow.Add(migration);
            Log.Applied(_logger, migration.Version, migration.Name, migration.Checksum);
        }

        var unknown = applied.Keys.Where(v => _migrations.All(m => m.Version != v)).Order().ToArray();
        if (unknown.Length > 0)
        {
            Log.UnknownMigrationsInDatabase(_logger, string.Join(", ", unknown));
        }

        if (appliedNow.Count == 0)
        {
            Log.UpToDate(_logger, _migrations.Count == 0 ? 0 : _migrations[^1].Version);
        }

        return appliedNow;
    }

    /// <summary>
    /// Checks, without changing anything, that the database has every embedded migration and that none of them was
    /// edited or renamed since it was applied. Migrations the database has but this build does not know are tolerated
    /// (a newer build ran first), as when migrating.
    /// </summary>
    /// <returns>Null when the schema is current; otherwise what is wrong and how to fix it (safe to log and to throw).</returns>
    internal static Task<string?> CheckAsync(string connectionString, CancellationToken cancellationToken = default) =>
        CheckAsync(SchemaMigration.LoadEmbedded(), connectionString, cancellationToken);

    /// <inheritdoc cref="CheckAsync(string, CancellationToken)"/>
    internal static async Task<string?> CheckAsync(
        IReadOnlyList<SchemaMigration> migrations, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        await using var connection = new NpgsqlConnection(PostgresConnectionStrings.WithSafeTimeouts(connectionString));
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('qs_schema_migrations') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return "The database has no QuantaSeal schema yet (no qs_schema_migrations table). " + HowToMigrate;
            }
        }

        var applied = await ReadAppliedAsync(connection, transaction, cancellationToken);
        var pending = new List<string>();
        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            if (!applied.TryGetValue(migration.Version, out var row))
            {
                pending.Add(migration.FileName);
                continue;
            }

            try
            {
                Verify(migration, row);
            }
            catch (InvalidOperationException ex)
            {
                return ex.Message;
            }
        }

        return pending.Count == 0
            ? null
            : $"The database lacks {pending.Count} QuantaSeal schema migration(s) this build needs: {string.Join(", ", pending)}. " + HowToMigrate;
    }

    /// <summary>The fix named by every "schema behind" message.</summary>
    internal const string HowToMigrate =
        "Apply the migrations first, as their own step: 'QuantaSeal.Server migrate --connection-string \"...\"', "
        + "QuantaSealSchema.MigrateAsync(connectionString) from your own deployment tooling, or siloBuilder.AddQuantaSealMigrations(connectionString) "
        + "on a silo whose database role may run DDL. Refusing to start.";

    private void VerifyApplied(IReadOnlyDictionary<int, AppliedMigration> applied)
    {
        foreach (var migration in _migrations)
        {
            if (applied.TryGetValue(migration.Version, out var row))
            {
                Verify(migration, row);
            }
        }
    }

    private static void Verify(SchemaMigration migration, AppliedMigration row)
    {
        if (!string.Equals(row.Name, migration.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Schema migration {migration.Version} was applied as '{row.Name}' on {row.AppliedAt:O}, but this build "
                + $"ships it as '{migration.FileName}'. Applied migrations must never be renamed or renumbered; restore the "
                + "original file and add a new migration with the next free number instead. Refusing to start.");
        }

        if (!string.Equals(row.Checksum, migration.Checksum, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Schema migration {migration.FileName} was changed after it was applied on {row.AppliedAt:O} "
                + $"(applied checksum {row.Checksum}, embedded checksum {migration.Checksum}). Applied migrations must never "
                + "be edited; restore the original file and put the change in a new migration with the next free number. "
                + "Refusing to start.");
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction)
        {
            CommandTimeout = MigrationCommandTimeoutSeconds,
        };
        command.Parameters.Add(new NpgsqlParameter<long>("key", AdvisoryLockKey));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction)
        {
            CommandTimeout = MigrationCommandTimeoutSeconds,
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyDictionary<int, AppliedMigration>> ReadAppliedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT version, name, checksum, applied_at FROM qs_schema_migrations ORDER BY version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<int, AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new AppliedMigration(
                reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            result[row.Version] = row;
        }

        return result;
    }

    private static async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaMigration migration, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO qs_schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<int>("version", migration.Version));
        command.Parameters.Add(new NpgsqlParameter<string>("name", migration.Name));
        command.Parameters.Add(new NpgsqlParameter<string>("checksum", migration.Checksum));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = PostgresLogEventIds.MigrationStarting, Level = LogLevel.Information,
            Message = "Checking PostgreSQL schema at {ConnectionString} against {MigrationCount} embedded migrations")]
        public static partial void Migrating(ILogger logger, RedactedConnectionString connectionString, int migrationCount);

        [LoggerMessage(EventId = PostgresLogEventIds.MigrationApplied, Level = LogLevel.Information,
            Message = "Applied schema migration {Version} {Name} (sha256 {Checksum})")]
        public static partial void Applied(ILogger logger, int version, string name, string checksum);

        [LoggerMessage(EventId = PostgresLogEventIds.SchemaUpToDate, Level = LogLevel.Information,
            Message = "PostgreSQL schema is up to date at version {Version}")]
        public static partial void UpToDate(ILogger logger, int version);

        [LoggerMessage(EventId = PostgresLogEventIds.UnknownMigrationsInDatabase, Level = LogLevel.Warning,
            Message = "The database has schema migrations this build does not know ({Versions}); a newer build has run against it")]
        public static partial void UnknownMigrationsInDatabase(ILogger logger, string versions);
    }
}
