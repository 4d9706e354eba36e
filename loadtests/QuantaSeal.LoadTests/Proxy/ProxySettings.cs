using System.CommandLine;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>
/// The knobs of the proxy scenario (durable vs. memory audit transport, same run, same machine), each declared once as
/// its option (name, default, help) and read from the parsed command line.
/// </summary>
internal sealed class ProxySettings(ParseResult parse)
{
    private static readonly Option<int> Duration = LoadOptions.Create("--duration", 20, "Seconds per measured run.");

    /// <summary>JIT, pools, caches: see ChainSettings' warm-up.</summary>
    private static readonly Option<int> Warmup = LoadOptions.Create("--warmup", 30, "Unmeasured seconds per server before the rounds.");

    /// <summary>Closed loop: each worker sends its next request when the last one answered.</summary>
    private static readonly Option<int> InFlight = LoadOptions.Create("--concurrency", 16, "Requests in flight.");

    private static readonly Option<int> RoundsOption = LoadOptions.Create("--rounds", 3, "Measured runs per transport, alternated durable, memory, durable, ...");

    private static readonly Option<string> GeneratorOption = LoadOptions.Create("--generator", "hey", "hey (Debian package) or builtin (HttpClient workers in this process).")
        .AcceptOnlyFromAmong("hey", "builtin");

    private static readonly Option<int> UpstreamLatency = LoadOptions.Create("--upstream-latency-ms", 0, "Delay the Auth0 emulator adds to every request.");

    /// <summary>
    /// With the runner and PostgreSQL pinned to the other CPUs this stands in for a database and load generator on
    /// their own hosts.
    /// </summary>
    private static readonly Option<string?> Cpus = CpuListOption();

    private static readonly Option<int> Crypto = LoadOptions.Create("--crypto-seconds", 20, "Measured (and as many unmeasured) seconds of the crypto-only floor (the sealer on every core).")
        .AtLeast(1);

    /// <summary>warning: the setting of the measurements before the logging defaults.</summary>
    private static readonly Option<string> Logging = LoadOptions.Create("--server-logging", "product", "product: the product's logging defaults; warning: every category at Warning.")
        .AcceptOnlyFromAmong("product", "warning");

    public int DurationSeconds => parse.GetValue(Duration);

    public int WarmupSeconds => parse.GetValue(Warmup);

    public int Concurrency => parse.GetValue(InFlight);

    public int Rounds => parse.GetValue(RoundsOption);

    public string Generator => parse.GetValue(GeneratorOption)!;

    public int UpstreamLatencyMs => parse.GetValue(UpstreamLatency);

    /// <summary><c>taskset -c</c> list the two servers are pinned to; null = not pinned.</summary>
    public string? ServerCpus => parse.GetValue(Cpus);

    public int CryptoSeconds => parse.GetValue(Crypto);

    public string ServerLogging => parse.GetValue(Logging)!;

    public string? ConnectionString => parse.GetValue(LoadOptions.ConnectionString);

    public bool KeepDatabase => parse.GetValue(LoadOptions.KeepDatabase);

    private static Option<string?> CpuListOption()
    {
        var option = LoadOptions.Optional<string?>("--server-cpus", "CPU list (taskset -c) both servers are pinned to, e.g. 0 (default: not pinned).");
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } cpus && !System.Text.RegularExpressions.Regex.IsMatch(cpus, "^[0-9]+([-,][0-9]+)*$"))
            {
                result.AddError("--server-cpus must be a CPU list such as 0 or 0-1 or 0,2");
            }
        });
        return option;
    }

    /// <summary>The <c>proxy</c> subcommand.</summary>
    public static Command CreateCommand()
    {
        var command = new Command("proxy", "The proxy's price of durable audit: durable vs. memory audit transport, same run, same machine.")
        {
            Duration, Warmup, InFlight, RoundsOption, GeneratorOption, UpstreamLatency, Cpus, Crypto, Logging, LoadOptions.ConnectionString, LoadOptions.KeepDatabase,
        };
        command.SetAction((parse, cancellationToken) => new ProxyScenario(new ProxySettings(parse)).RunAsync(cancellationToken));
        return command;
    }
}
