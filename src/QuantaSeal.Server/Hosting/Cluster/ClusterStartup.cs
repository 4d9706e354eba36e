using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Cluster;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Hosting.Cluster;

/// <summary>
/// What a node settles before it builds its host: its keys (shared with the rest of the cluster, DESIGN §8), its
/// cluster certificates (DESIGN §10) and the address it advertises. Any problem stops the start with a message
/// that says how to fix it.
/// </summary>
internal static class ClusterStartup
{
    /// <summary>The settled keys and certificates, or <see cref="Problem"/>.</summary>
    public sealed record Setup(string OperatorKey, ClusterCertificates? Certificates, string? Problem)
    {
        public static Setup Fail(string problem) => new(string.Empty, null, problem);
    }

    public static async Task<Setup> PrepareAsync(ServerOptions options, ClusterNodeOptions cluster, string? urls, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        var advertised = ResolveAdvertisedIp(options, urls, log);
        if (advertised is null)
        {
            return Setup.Fail("--advertised-ip auto found no non-loopback IPv4 address on this host; set --advertised-ip to the address other silos reach this one on.");
        }

        options.AdvertisedIp = advertised;
        var certificates = LoadCertificates(options, cluster, log, out var tlsProblem);
        if (tlsProblem is not null)
        {
            return Setup.Fail(tlsProblem);
        }

        var keys = options.IsMemory ? PrepareLocalKeys(options, log) : await PrepareClusterKeysAsync(options, log, cancellationToken);
        if (keys.Problem is not null)
        {
            certificates?.Dispose();
            return keys;
        }

        return keys with { Certificates = certificates };
    }

    /// <summary>Memory mode is one process: keys are created on first start, as before.</summary>
    private static Setup PrepareLocalKeys(ServerOptions options, ILogger log)
    {
        var (operatorKey, operatorCreated) = SecretFile.ReadOrCreate(options.OperatorKeyFile, OperatorKeyVerifier.NewKey);
        if (operatorCreated)
        {
            StartupLog.OperatorKeyCreated(log, options.OperatorKeyFile);
        }

        if (options.RunsSilo && Environment.GetEnvironmentVariable(QuantaSealSiloOptions.MasterKeyEnvironmentVariable) is null)
        {
            var (_, masterCreated) = SecretFile.ReadOrCreate(options.MasterKeyFile, LocalKeyWrapProvider.GenerateMasterKeyBase64);
            if (masterCreated)
            {
                StartupLog.MasterKeyCreated(log, options.MasterKeyFile);
            }
        }

        return new Setup(operatorKey, null, null);
    }

    private static async Task<Setup> PrepareClusterKeysAsync(ServerOptions options, ILogger log, CancellationToken cancellationToken)
    {
        var cs = options.ConnectionString!;
        if (options.RunsSilo)
        {
            var problem = await MasterKeyGuard.CheckAsync(cs, options.MasterKeyFile, cancellationToken);
            if (problem is not null)
            {
                return Setup.Fail(problem);
            }

            // The key check table must exist before the first node can record in it; the silo would migrate a moment
            // later anyway (same advisory lock, so concurrent starts are safe).
            await PostgresSchemaMigrator.MigrateAsync(cs, log, cancellationToken);
        }

        // Only the single-node default generates a missing key; silo and front-door nodes must be given the cluster's.
        var mayGenerate = options.Role == "all";
        var operatorKey = string.Empty;
        if (options.RunsFrontDoor)
        {
            var result = await ClusterKeyCheck.EnsureAsync(
                cs, options.ServiceId, ClusterKeyCheck.Operator, options.OperatorKeyFile, null,
                OperatorKeyVerifier.NewKey, ClusterKeyCheck.OperatorCheckValue, mayGenerate, cancellationToken);
            if (result.Problem is not null)
            {
                return Setup.Fail(result.Problem);
            }

            if (result.Created)
            {
                StartupLog.OperatorKeyCreated(log, options.OperatorKeyFile);
            }

            operatorKey = result.Value!;
        }
        else
        {
            // A silo-only node serves no HTTP API: the operator key is never checked here, so none is read.
            operatorKey = OperatorKeyVerifier.NewKey();
        }

        if (options.RunsSilo)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(QuantaSealSiloOptions.MasterKeyEnvironmentVariable);
            var result = await ClusterKeyCheck.EnsureAsync(
                cs, options.ServiceId, ClusterKeyCheck.Master, options.MasterKeyFile, fromEnvironment,
                LocalKeyWrapProvider.GenerateMasterKeyBase64, MasterCheckValue, mayGenerate && fromEnvironment is null, cancellationToken);
            if (result.Problem is not null)
            {
                return Setup.Fail(result.Problem);
            }

            if (result.Created)
            {
                StartupLog.MasterKeyCreated(log, options.MasterKeyFile);
            }
        }

        return new Setup(operatorKey, null, null);
    }

    private static string MasterCheckValue(string base64)
    {
        using var provider = LocalKeyWrapProvider.FromBase64(base64);
        return provider.KeyRef;
    }

    private static ClusterCertificates? LoadCertificates(ServerOptions options, ClusterNodeOptions cluster, ILogger log, out string? problem)
    {
        problem = null;
        var files = cluster.Files();
        if (files is null)
        {
            if (options.IsMemory)
            {
                return null;
            }

            if (cluster.InsecureDevelopment)
            {
                ClusterStartupLog.ClusterTlsOff(log, options.SiloPort, options.GatewayPort);
                return null;
            }

            problem = "A PostgreSQL node needs cluster certificates (mutual TLS between silos and front doors): --cluster-cert, --cluster-key and --cluster-ca, "
                + "or --cluster-cert-dir DIR holding node.pem, node.key and ca.pem ('QuantaSeal.Server cluster-certs DIR' makes a local CA and node certificate). "
                + "Without them anyone who reaches the silo or gateway port could act as any tenant. For a development machine only: --cluster-insecure-dev true.";
            return null;
        }

        try
        {
            var certificates = ClusterCertificates.Load(files.Value.Certificate, files.Value.Key, files.Value.Ca);
            ClusterStartupLog.ClusterTlsOn(log, certificates.Node.Subject, certificates.Node.Thumbprint, certificates.Node.NotAfter);
            return certificates;
        }
        catch (InvalidOperationException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// <c>auto</c> becomes the host's first non-loopback IPv4 address. A loopback address on a node that other hosts
    /// are meant to reach (a silo-only node, or HTTP listening beyond loopback) is kept but logged as a warning.
    /// </summary>
    internal static string? ResolveAdvertisedIp(ServerOptions options, string? urls, ILogger log)
    {
        if (options.IsMemory)
        {
            return options.AdvertisedIp;
        }

        if (string.Equals(options.AdvertisedIp, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
        }

        if (options.RunsSilo && IPAddress.TryParse(options.AdvertisedIp, out var ip) && IPAddress.IsLoopback(ip)
            && (options.Role == "silo" || ListensBeyondLoopback(urls)))
        {
            ClusterStartupLog.LoopbackAdvertised(log, options.AdvertisedIp);
        }

        return options.AdvertisedIp;
    }

    internal static bool ListensBeyondLoopback(string? urls)
    {
        foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = url.Split("://", 2) is [_, var rest] ? rest.Split(':', '/')[0] : url;
            if (host is "*" or "+" or "0.0.0.0" or "[::]")
            {
                return true;
            }

            if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && IPAddress.TryParse(host.Trim('[', ']'), out var address) && !IPAddress.IsLoopback(address))
            {
                return true;
            }
        }

        return false;
    }
}
