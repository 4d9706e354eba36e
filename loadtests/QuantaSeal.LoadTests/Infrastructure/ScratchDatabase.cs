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

    /// <summary>
    /// Drops the database. <c>DROP DATABASE … WITH (FORCE)</c> needs the right to signal other roles' backends
    /// (pg_signal_backend), which a role with only CREATEDB lacks (42501). So: close this process's pools, wait until no
    /// session of the run's role is left on the database (the scenario's own connections, closing), and drop without
    /// FORCE, retrying while PostgreSQL still sees a session (55006). A database still in use after that is left in
    /// place with a warning naming it, never a crash at the end of a run whose figures were already printed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            Console.WriteLine($"kept database {Name}");
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            for (var attempt = 1; ; attempt++)
            {
                await using (var sessions = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @name", connection))
                {
                    sessions.Parameters.AddWithValue("name", Name);
                    var open = (long)(await sessions.ExecuteScalarAsync())!;
                    if (open > 0 && attempt < DropAttempts)
                    {
                        await Task.Delay(DropRetryDelay);
                        continue;
                    }
                }

                try
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name}", connection);
                    await drop.ExecuteNonQueryAsync();
                    return;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < DropAttempts)
                {
                    await Task.Delay(DropRetryDelay);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            var cause = ex is PostgresException pg ? $"SQLSTATE {pg.SqlState}" : ex.GetType().Name;
            Console.Error.WriteLine($"warning: could not drop scratch database {Name} ({cause}); drop it by hand: DROP DATABASE {Name};");
        }
    }

    // 60 attempts, 0.5 s apart: a silo or server process that was just stopped closes its sessions within seconds.
    private const int DropAttempts = 60;

    private static readonly TimeSpan DropRetryDelay = TimeSpan.FromMilliseconds(500);
}
