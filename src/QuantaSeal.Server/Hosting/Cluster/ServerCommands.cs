using Npgsql;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Hosting.Cluster;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Server.Hosting.Cluster;

/// <summary>
/// Operator commands of the server binary that do their job and exit instead of serving:
/// <c>cluster-certs DIR [NODE-NAME]</c> (a local cluster CA and a node certificate, for development and
/// <c>deploy/scripts/cluster.sh</c>), <c>migrate [--check] [--connection-string CS]</c> (apply, or only check,
/// deploy/sql without starting a node; the connection string may come from <c>QuantaSeal__ConnectionString</c> instead,
/// which keeps its password out of the process list) and
/// <c>seal-records --connection-string CS --master-key-file PATH [--service-id ID] [--force]</c> (the one-time upgrade
/// step that authenticates records written before records were authenticated; refused while the membership table shows
/// a node alive, unless forced; docs/hardening.md).
/// </summary>
internal static class ServerCommands
{
    /// <summary>The environment variable <c>migrate</c> reads the connection string from when none is given.</summary>
    internal const string ConnectionStringVariable = "QuantaSeal__ConnectionString";

    private const string SealRecordsUsage =
        "usage: QuantaSeal.Server seal-records --connection-string CS --master-key-file PATH [--service-id ID] [--force]   (every node stopped)";

    private const string MigrateUsage = "usage: QuantaSeal.Server migrate [--check] [--connection-string CS]  (or set QuantaSeal__ConnectionString)";

    /// <summary>Null when <paramref name="args"/> is not a command (the server then starts as usual), else its exit code.</summary>
    public static Task<int?> TryRunAsync(string[] args) =>
        TryRunAsync(args, global::System.Console.Out, global::System.Console.Error, Environment.GetEnvironmentVariable, CancellationToken.None);

    /// <inheritdoc cref="TryRunAsync(string[])"/>
    internal static async Task<int?> TryRunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(environment);
        switch (args)
        {
            case ["cluster-certs", var dir, .. var rest]:
                var created = ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir, rest is [var name, ..] ? name : "quantaseal-node");
                await stdout.WriteLineAsync(created
                    ? $"cluster-certs: wrote a local cluster CA and node certificate to {Path.GetFullPath(dir)} (keys 0600)"
                    : $"cluster-certs: {Path.GetFullPath(dir)} already holds a cluster CA and node certificate");
                return 0;
            case ["cluster-certs", ..]:
                await stderr.WriteLineAsync("usage: QuantaSeal.Server cluster-certs DIR [NODE-NAME]");
                return 2;
            case ["migrate", .. var rest]:
                return await MigrateAsync(rest, stdout, stderr, environment, cancellationToken);
            case ["seal-records", "--connection-string", var cs, "--master-key-file", var keyFile, .. var rest]
                when rest is [] or ["--force"] or ["--service-id", _] or ["--service-id", _, "--force"]:
                return await SealRecordsAsync(
                    cs, keyFile, rest is ["--service-id", var serviceId, ..] ? serviceId : new ServerOptions().ServiceId, rest is [.., "--force"], stdout, stderr, cancellationToken);
            case ["seal-records", ..]:
                await stderr.WriteLineAsync(SealRecordsUsage);
                return 2;
            default:
                return null;
        }
    }

    private static async Task<int> MigrateAsync(
        string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var check = false;
        string? connectionString = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--check":
                    check = true;
                    break;
                case "--connection-string" when i + 1 < args.Length:
                    connectionString = args[++i];
                    break;
                default:
                    await stderr.WriteLineAsync(MigrateUsage);
                    return 2;
            }
        }

        connectionString ??= environment(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await stderr.WriteLineAsync(MigrateUsage);
            return 2;
        }

        try
        {
            if (check)
            {
                var problem = await QuantaSealSchema.CheckAsync(connectionString, cancellationToken);
                if (problem is not null)
                {
                    await stderr.WriteLineAsync("migrate --check: " + problem);
                    return 1;
                }

                await stdout.WriteLineAsync("migrate --check: the schema is current");
                return 0;
            }

            using var factory = LoggerFactory.Create(l => l.AddConsole());
            var applied = await QuantaSealSchema.MigrateAsync(connectionString, factory.CreateLogger("QuantaSeal.Migrate"), cancellationToken);
            await stdout.WriteLineAsync(applied.Count == 0
                ? "migrate: the schema is current, 0 migration(s) applied"
                : $"migrate: {applied.Count} migration(s) applied: {string.Join(", ", applied)}");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or ArgumentException or TimeoutException)
        {
            // None of these messages carries the connection string or its password (PostgresConnectionStrings never echoes
            // it; Npgsql and PostgreSQL name the host and the failure).
            await stderr.WriteLineAsync($"migrate: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> SealRecordsAsync(
        string connectionString, string masterKeyFile, string serviceId, bool force, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // seal-records vouches for whatever the rows hold, and a running node could write an older copy over a sealed
        // row: refuse while the membership table shows a node alive, unless the operator knows better (a node killed
        // without a shutdown stays listed for LiveSiloWindow).
        var live = await LegacyRecordSealer.FindLiveSilosAsync(connectionString, cancellationToken);
        if (live.Count > 0 && !force)
        {
            await stderr.WriteLineAsync(
                $"seal-records: refused: {live.Count} node(s) look alive in the membership table (an \"I am alive\" time within the last {LegacyRecordSealer.LiveSiloWindow.TotalMinutes:0} minutes):");
            foreach (var silo in live)
            {
                await stderr.WriteLineAsync("  " + silo);
            }

            await stderr.WriteLineAsync("Stop every node and run it again; add --force only if you know they are stopped (e.g. killed without a shutdown).");
            return 3;
        }

        using var factory = LoggerFactory.Create(l => l.AddConsole());
        LocalKeyWrapProvider keyWrap;
        try
        {
            keyWrap = LocalKeyWrapProvider.FromFile(masterKeyFile);
        }
        catch (KeyWrapException ex)
        {
            await stderr.WriteLineAsync("seal-records: " + ex.Message);
            return 2;
        }

        using (keyWrap)
        {
            var sealedCount = await new LegacyRecordSealer(keyWrap, factory.CreateLogger("QuantaSeal.SealRecords")).SealAsync(connectionString, serviceId, cancellationToken);
            await stdout.WriteLineAsync($"seal-records: {sealedCount} record(s) of service '{serviceId}' sealed");
        }

        return 0;
    }
}
