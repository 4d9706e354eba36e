using Npgsql;

namespace QuantaSeal.LoadTests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database for one scenario run, created through the server named by
/// <see cref="EnvironmentVariable"/> (the same variable the storage tests use) and dropped afterwards unless kept.
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "QUANTASEAL_TEST_PG";

    private readonly string _adminConnectionString;
    private readonly bool _keep;

    private ScratchDatabase(string adminConnectionString, string name, string connectionString, bool keep)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
        _keep = keep;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string AdminConnectionString(string? given) =>
        given ?? Environment.GetEnvironmentVariable(EnvironmentVariable)
        ?? throw new InvalidOperationException(
            $"{EnvironmentVariable} is not set. Start PostgreSQL with deploy/scripts/pg.sh start .pgdata-test 54321 and "
            + "eval \"$(deploy/scripts/pg.sh env .pgdata-test 54321)\", or pass --connection-string.");

    public static async Task<ScratchDatabase> CreateAsync(string adminConnectionString, string purpose, bool keep, CancellationToken cancellationToken)
    {
        // Lower-case ULID: unique per run, sortable by start time, a valid unquoted identifier after the prefix.
        var name = $"qs_load_{purpose}_{Ulid.NewUlid().ToString().ToLowerInvariant()}";
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name };
        return new ScratchDatabase(adminConnectionString, name, builder.ConnectionString, keep);
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            Console.WriteLine($"kept database {Name}");
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
