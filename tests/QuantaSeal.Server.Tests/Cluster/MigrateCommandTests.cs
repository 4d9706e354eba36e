using QuantaSeal.Server.Hosting.Cluster;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Cluster;

/// <summary>
/// Issue 14 item 4: the schema is migrated as its own step (<c>QuantaSeal.Server migrate</c>), and <c>migrate --check</c>
/// tells a deployment whether silos of this build will start on the database.
/// </summary>
public sealed class MigrateCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Check_FailsOnAnEmptyDatabase_MigrateApplies_ThenCheckPasses()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);

        var before = await RunAsync(["migrate", "--check", "--connection-string", database.ConnectionString]);
        var migrate = await RunAsync(["migrate", "--connection-string", database.ConnectionString]);
        var after = await RunAsync(["migrate", "--check", "--connection-string", database.ConnectionString]);
        var again = await RunAsync(["migrate", "--connection-string", database.ConnectionString]);

        Assert.Equal(1, before.Exit);
        Assert.Contains("no QuantaSeal schema", before.Err, StringComparison.Ordinal);
        Assert.Equal(0, migrate.Exit);
        Assert.Contains("0001_orleans_core.sql", migrate.Out, StringComparison.Ordinal);
        Assert.Equal(0, after.Exit);
        Assert.Contains("the schema is current", after.Out, StringComparison.Ordinal);
        Assert.Equal(0, again.Exit);
        Assert.Contains("0 migration(s) applied", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ReadsTheConnectionStringFromTheEnvironment_WhenNoneIsGiven()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);

        var result = await RunAsync(["migrate"], name => name == ServerCommands.ConnectionStringVariable ? database.ConnectionString : null);

        Assert.Equal(0, result.Exit);
        Assert.Null(await QuantaSeal.Grains.Hosting.Postgres.QuantaSealSchema.CheckAsync(database.ConnectionString, Ct));
    }

    [Fact]
    public async Task Migrate_WithoutAConnectionString_PrintsUsage()
    {
        var result = await RunAsync(["migrate"]);

        Assert.Equal(2, result.Exit);
        Assert.Contains("usage: QuantaSeal.Server migrate", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_AgainstAnUnreachableServer_FailsWithoutEchoingThePassword()
    {
        var result = await RunAsync(["migrate", "--connection-string", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2-secret;Database=d;Timeout=2"]);

        Assert.Equal(1, result.Exit);
        Assert.DoesNotContain("hunter2-secret", result.Err + result.Out, StringComparison.Ordinal);
    }

    private static async Task<(int? Exit, string Out, string Err)> RunAsync(string[] args, Func<string, string?>? environment = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ServerCommands.TryRunAsync(args, stdout, stderr, environment ?? (_ => null), Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
