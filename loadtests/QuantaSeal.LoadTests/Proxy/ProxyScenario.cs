using System.Globalization;
using System.Text.Json;
using QuantaSeal.Client;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>
/// The price of durability on the proxy (issue 5, goal: durable ≥ 90 % of the memory throughput, ≤ 5 ms added p50).
/// One Auth0 emulator and two server processes on this machine in the same run — <c>--audit-transport durable</c> and
/// <c>--audit-transport memory</c>, both <c>--storage postgres</c> on their own fresh databases — each set up with a
/// tenant, recipient key, sealed credential and an integration allowing get_users; then the same load (concurrency,
/// duration) against each, alternating durable, memory, durable, memory so drift on a shared machine hits both.
/// </summary>
internal sealed class ProxyScenario(ProxySettings settings)
{
    private static readonly string[] Transports = ["durable", "memory"];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var generator = PickGenerator();
        var admin = ScratchDatabase.AdminConnectionString(settings.ConnectionString);
        await using var auth0 = await Auth0Emulator.StartAsync(new Auth0EmulatorOptions(), cancellationToken);
        auth0.Latency = TimeSpan.FromMilliseconds(settings.UpstreamLatencyMs);
        await using var durableDb = await ScratchDatabase.CreateAsync(admin, "proxy_durable", settings.KeepDatabase, cancellationToken);
        await using var memoryDb = await ScratchDatabase.CreateAsync(admin, "proxy_memory", settings.KeepDatabase, cancellationToken);
        var warningLogsOnly = settings.ServerLogging == "warning";
        await using var durable = await ServerInstance.StartAsync("durable", durableDb.ConnectionString, settings.ServerCpus, warningLogsOnly, cancellationToken);
        await using var memory = await ServerInstance.StartAsync("memory", memoryDb.ConnectionString, settings.ServerCpus, warningLogsOnly, cancellationToken);

        var targets = new Dictionary<string, (ServerInstance Server, ProxyTarget Target, string AdminKey)>(StringComparer.Ordinal)
        {
            ["durable"] = await SetUpAsync(durable, auth0, cancellationToken),
            ["memory"] = await SetUpAsync(memory, auth0, cancellationToken),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"proxy: generator {generator.Name}, concurrency {settings.Concurrency}, {settings.DurationSeconds}s per run, {settings.Rounds} rounds, upstream latency {settings.UpstreamLatencyMs} ms, machine {Environment.ProcessorCount} cores, servers on CPUs {settings.ServerCpus ?? "all"}, server logging {settings.ServerLogging}"));

        // Warm-up (JIT, connection pools, token cache, chain activation): not measured.
        foreach (var transport in Transports)
        {
            await generator.RunAsync(targets[transport].Target, transport, 0, settings.Concurrency, TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken);
        }

        var results = new List<LoadResult>();
        var serverCpu = new List<(string Transport, double MsPerRequest)>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var transport in Transports)
            {
                var before = CpuMeter.Read(targets[transport].Server.ProcessId);
                var result = await generator.RunAsync(targets[transport].Target, transport, round, settings.Concurrency, TimeSpan.FromSeconds(settings.DurationSeconds), cancellationToken);
                var cpu = CpuMeter.Between(before, CpuMeter.Read(targets[transport].Server.ProcessId));
                results.Add(result);
                if (result.Requests > 0)
                {
                    serverCpu.Add((transport, cpu.ServerMs / result.Requests));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round} {transport,-7}: {result.RequestsPerSecond,7:F1} req/s  p50 {Percentiles.Ms(result.P50Ms),6} ms  p99 {Percentiles.Ms(result.P99Ms),6} ms  ({result.Requests} requests, {result.Non2xx} not 200)"));
                Console.WriteLine("                   " + cpu.PerRequest(result.Requests));
            }
        }

        // The floor, in the same run on the same machine, while both servers are idle: the project's sealer alone.
        var crypto = await SealerMeasurement.RunAsync(TimeSpan.FromSeconds(settings.CryptoSeconds), TimeSpan.FromSeconds(settings.CryptoSeconds), cancellationToken);
        Console.WriteLine("crypto only (the project's sealer in the runner, every core): " + crypto);

        var chainOk = await CheckDurableChainAsync(targets["durable"].Server, targets["durable"].AdminKey, cancellationToken);
        Report(results);
        ReportCost(results, serverCpu, crypto);
        Console.WriteLine($"load average at end: {LoadAverage()}");
        return results.All(r => r.Non2xx == 0) && chainOk ? 0 : 1;
    }

    private ILoadGenerator PickGenerator()
    {
        if (settings.Generator == "builtin")
        {
            return new BuiltinGenerator();
        }

        return HeyGenerator.Find() is { } hey
            ? new HeyGenerator(hey)
            : throw new ArgumentException("hey is not installed (Debian: apt-get install -y hey); install it or pass --generator builtin");
    }

    private static async Task<(ServerInstance, ProxyTarget, string)> SetUpAsync(ServerInstance server, Auth0Emulator auth0, CancellationToken cancellationToken)
    {
        using var http = server.Http();
        var tenant = await new QuantaSealClient(http).CreateTenantAsync(await server.OperatorKeyAsync(cancellationToken), "load-" + server.Transport, cancellationToken: cancellationToken);
        var admin = new QuantaSealClient(http, tenant.ApiKey);
        using var recipient = RecipientKey.Generate();
        await admin.RegisterRecipientKeyAsync(recipient, cancellationToken: cancellationToken);
        var credential = await admin.SealCredentialAsync("oauth2_client", new
        {
            client_id = auth0.ClientId,
            client_secret = auth0.ClientSecret,
            domain = auth0.BaseUri.Authority,
            audience = auth0.Audience,
        }, cancellationToken: cancellationToken);
        var integration = await admin.CreateIntegrationAsync("auth0", "load", auth0.BaseUri.AbsoluteUri.TrimEnd('/'), credential.CredentialId, ["get_users"], cancellationToken);
        var proxyKey = await admin.CreateApiKeyAsync("load", ["proxy"], cancellationToken: cancellationToken);

        // One call through the SDK proves the path works (token fetched, envelope sealed, event chained) before any load.
        var first = await new QuantaSealClient(http, proxyKey.ApiKey).ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 1 }, cancellationToken: cancellationToken);
        if (!first.Success)
        {
            throw new InvalidOperationException($"proxy setup call failed on the {server.Transport} server: {first.StatusCode} {first.ErrorType}");
        }

        var body = JsonSerializer.Serialize(new { integration_id = integration.IntegrationId, operation = "get_users", payload = new { per_page = 1 } });
        return (server, new ProxyTarget(new Uri(server.BaseAddress, "api/v2/proxy/outbound"), proxyKey.ApiKey, body), tenant.ApiKey);
    }

    /// <summary>After the load, the durable server's chain must verify (every proxy call is one event in it).</summary>
    private static async Task<bool> CheckDurableChainAsync(ServerInstance server, string adminKey, CancellationToken cancellationToken)
    {
        using var http = server.Http();
        http.Timeout = TimeSpan.FromMinutes(5);
        var report = await new QuantaSealClient(http, adminKey).VerifyAuditChainAsync(cancellationToken);
        Console.WriteLine($"durable server's audit chain: {(report.Valid ? "valid" : "INVALID: " + report.Problem)}, {report.EventsChecked} events checked, last seq {report.LastSeq}");
        return report.Valid;
    }

    private static void Report(List<LoadResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("| transport | round | req/s | p50 ms | p99 ms | requests | not 200 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Transport} | {r.Round} | {r.RequestsPerSecond:F1} | {Percentiles.Ms(r.P50Ms)} | {Percentiles.Ms(r.P99Ms)} | {r.Requests} | {r.Non2xx} |"));
        }

        // Per transport: mean rate and median of the runs' p50/p99 (few runs: the median resists one disturbed run).
        var summary = Transports.ToDictionary(t => t, t =>
        {
            var runs = results.Where(r => r.Transport == t).ToList();
            return (Rps: runs.Average(r => r.RequestsPerSecond), P50: Median(runs.Select(r => r.P50Ms)), P99: Median(runs.Select(r => r.P99Ms)));
        }, StringComparer.Ordinal);
        foreach (var (t, s) in summary)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t} | all | {s.Rps:F1} | {Percentiles.Ms(s.P50)} | {Percentiles.Ms(s.P99)} | | |"));
        }

        var d = summary["durable"];
        var m = summary["memory"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"durable / memory throughput: {d.Rps / m.Rps * 100:F1} % (goal >= 90 %); added p50: {d.P50 - m.P50:F1} ms (goal <= 5 ms); added p99: {d.P99 - m.P99:F1} ms"));
    }

    /// <summary>
    /// Issue 11's table: what a proxied call costs the server against what sealing its envelope alone costs. Server CPU
    /// per call is the server process's user + system time over the calls it answered in a measured run (the emulator
    /// runs in the runner, so it is excluded); the median over the rounds is reported.
    /// </summary>
    private static void ReportCost(List<LoadResult> results, List<(string Transport, double MsPerRequest)> serverCpu, SealerMeasurement.Result crypto)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crypto only: {crypto.EnvelopesPerSecond:F0} envelopes/s on {crypto.Threads} cores, {crypto.CpuMsPerEnvelope:F3} ms CPU per envelope"));
        Console.WriteLine("| audit | req/s | p50 ms | p99 ms | server CPU ms per call | ratio to crypto-only CPU per envelope |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var transport in Transports)
        {
            var runs = results.Where(r => r.Transport == transport).ToList();
            var cpu = Median(serverCpu.Where(c => c.Transport == transport).Select(c => c.MsPerRequest));
            rates[transport] = runs.Average(r => r.RequestsPerSecond);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {transport} | {rates[transport]:F1} | {Percentiles.Ms(Median(runs.Select(r => r.P50Ms)))} | {Percentiles.Ms(Median(runs.Select(r => r.P99Ms)))} | {cpu:F2} | {cpu / crypto.CpuMsPerEnvelope:F2} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"targets: ratio <= 1.25 (memory audit); durable >= 95 % of memory throughput: {rates["durable"] / rates["memory"] * 100:F1} %"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
