using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Tests.Shared;

/// <summary>
/// A throw-away PostgreSQL database for one fixture: <c>qs_t_&lt;random&gt;</c> is created on the server named by
/// <see cref="EnvironmentVariable"/>, migrated with the project's own schema, and dropped on dispose.
/// </summary>
/// <remarks>
/// Storage tests run against real PostgreSQL and never skip: without the variable the fixture fails with the
/// commands that fix it. Locally:
/// <code>
/// deploy/scripts/pg.sh start .pgdata-test 55432
/// eval "$(deploy/scripts/pg.sh env .pgdata-test 55432)"   # exports QUANTASEAL_TEST_PG
/// dotnet test --project tests/QuantaSeal.Grains.Tests
/// </code>
/// The role in the connection string needs CREATEDB (the <c>quantaseal</c> role made by pg.sh has it).
/// </remarks>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    /// <summary>Connection string of a server and role that may CREATE DATABASE.</summary>
    public const string EnvironmentVariable = "QUANTASEAL_TEST_PG";

    private readonly bool _migrate;
    private string? _name;
    private string? _connectionString;

    /// <summary>A database with the schema applied (the form xunit fixtures use).</summary>
    public PostgresTestDatabase()
        : this(migrate: true)
    {
    }

    private PostgresTestDatabase(bool migrate) => _migrate = migrate;

    /// <summary>The database name, <c>qs_t_</c> plus 16 random hex digits.</summary>
    public string Name => _name ?? throw NotInitialized();

    /// <summary>Connection string of the database (same server and role as <see cref="EnvironmentVariable"/>).</summary>
    public string ConnectionString => _connectionString ?? throw NotInitialized();

    /// <summary>The admin connection string from <see cref="EnvironmentVariable"/>; throws with instructions if unset.</summary>
    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set. The storage tests run against a real PostgreSQL server and never skip. "
                    + "Start the repository's test instance and export its connection string:" + Environment.NewLine
                    + "  deploy/scripts/pg.sh start .pgdata-test 55432" + Environment.NewLine
                    + "  eval \"$(deploy/scripts/pg.sh env .pgdata-test 55432)\"" + Environment.NewLine
                    + "or point it at any server whose role may CREATE DATABASE, e.g. "
                    + "'Host=127.0.0.1;Port=5432;Username=...;Password=...;Database=postgres'.");
            }

            return value;
        }
    }

    /// <summary>Creates (and optionally migrates) a fresh database outside xunit's fixture lifecycle.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken = default)
    {
        var database = new PostgresTestDatabase(migrate);
        await database.CreateCoreAsync(cancellationToken);
        return database;
    }

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() => await CreateCoreAsync(CancellationToken.None);

    /// <summary>Opens a connection to the test database.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs a query with named parameters and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>Drops the database, closing any connection still open to it (Orleans pools, for instance).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_name is null)
        {
            return;
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(_connectionString));
        await using var admin = new NpgsqlConnection(PostgresConnectionStrings.WithSafeTimeouts(AdminConnectionString));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 40)
            {
                // An autovacuum worker (a superuser process the test role may not terminate) is working in the database
                // the test filled: it finishes on its own within moments.
                await Task.Delay(250);
            }
        }

        _name = null;
    }

    private async Task CreateCoreAsync(CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithSafeTimeouts(AdminConnectionString));
        // Only [0-9a-f] after a fixed prefix: safe to splice into CREATE/DROP DATABASE, which take no parameters.
        var name = $"qs_t_{Guid.NewGuid():N}"[..21];

        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new InvalidOperationException(
                    $"Cannot connect to the PostgreSQL server in {EnvironmentVariable} "
                    + $"({PostgresConnectionStrings.Redact(admin.ConnectionString)}): {ex.Message}. "
                    + "Is it running? deploy/scripts/pg.sh status .pgdata-test",
                    ex);
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        _name = name;
        admin.Database = name;
        _connectionString = admin.ConnectionString;

        if (_migrate)
        {
            await PostgresSchemaMigrator.MigrateAsync(_connectionString, NullLogger.Instance, cancellationToken);
        }
    }

    private static InvalidOperationException NotInitialized() =>
        new("The test database has not been created yet (InitializeAsync/CreateAsync) or was already dropped.");
}
