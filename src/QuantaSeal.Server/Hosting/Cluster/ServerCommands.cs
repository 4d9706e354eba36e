using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Hosting.Cluster;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Server.Hosting.Cluster;

/// <summary>
/// Operator commands of the server binary that do their job and exit instead of serving:
/// <c>cluster-certs DIR [NODE-NAME]</c> (a local cluster CA and a node certificate, for development and
/// <c>deploy/scripts/cluster.sh</c>), <c>migrate --connection-string CS</c> (apply deploy/sql without starting a node) and
/// <c>seal-records --connection-string CS --master-key-file PATH [--service-id ID]</c> (the one-time upgrade step that
/// authenticates records written before records were authenticated; docs/hardening.md).
/// </summary>
internal static class ServerCommands
{
    /// <summary>Null when <paramref name="args"/> is not a command (the server then starts as usual), else its exit code.</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        switch (args)
        {
            case ["cluster-certs", var dir, .. var rest]:
                var created = ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir, rest is [var name, ..] ? name : "quantaseal-node");
                await global::System.Console.Out.WriteLineAsync(created
                    ? $"cluster-certs: wrote a local cluster CA and node certificate to {Path.GetFullPath(dir)} (keys 0600)"
                    : $"cluster-certs: {Path.GetFullPath(dir)} already holds a cluster CA and node certificate");
                return 0;
            case ["cluster-certs", ..]:
                await global::System.Console.Error.WriteLineAsync("usage: QuantaSeal.Server cluster-certs DIR [NODE-NAME]");
                return 2;
            case ["migrate", "--connection-string", var cs]:
                using (var factory = LoggerFactory.Create(l => l.AddConsole()))
                {
                    var applied = await PostgresSchemaMigrator.MigrateAsync(cs, factory.CreateLogger("QuantaSeal.Migrate"));
                    await global::System.Console.Out.WriteLineAsync($"migrate: {applied.Count} migration(s) applied");
                }

                return 0;
            case ["migrate", ..]:
                await global::System.Console.Error.WriteLineAsync("usage: QuantaSeal.Server migrate --connection-string CS");
                return 2;
            case ["seal-records", "--connection-string", var cs, "--master-key-file", var keyFile, .. var rest] when rest is [] or ["--service-id", _]:
                return await SealRecordsAsync(cs, keyFile, rest is [_, var serviceId] ? serviceId : new ServerOptions().ServiceId);
            case ["seal-records", ..]:
                await global::System.Console.Error.WriteLineAsync("usage: QuantaSeal.Server seal-records --connection-string CS --master-key-file PATH [--service-id ID]   (every node stopped)");
                return 2;
            default:
                return null;
        }
    }

    private static async Task<int> SealRecordsAsync(string connectionString, string masterKeyFile, string serviceId)
    {
        using var factory = LoggerFactory.Create(l => l.AddConsole());
        LocalKeyWrapProvider keyWrap;
        try
        {
            keyWrap = LocalKeyWrapProvider.FromFile(masterKeyFile);
        }
        catch (KeyWrapException ex)
        {
            await global::System.Console.Error.WriteLineAsync("seal-records: " + ex.Message);
            return 2;
        }

        using (keyWrap)
        {
            var sealedCount = await new LegacyRecordSealer(keyWrap, factory.CreateLogger("QuantaSeal.SealRecords")).SealAsync(connectionString, serviceId);
            await global::System.Console.Out.WriteLineAsync($"seal-records: {sealedCount} record(s) of service '{serviceId}' sealed");
        }

        return 0;
    }
}
