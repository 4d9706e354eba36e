using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>The knobs of the proxy scenario (durable vs. memory audit transport, same run, same machine).</summary>
internal sealed record ProxySettings
{
    public int DurationSeconds { get; init; } = 20;

    /// <summary>Unmeasured seconds per server before the rounds (JIT, pools, caches; see ChainSettings.WarmupSeconds).</summary>
    public int WarmupSeconds { get; init; } = 30;

    /// <summary>Requests in flight at once (closed loop: each worker sends its next request when the last one answered).</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Measured runs per transport, alternated durable, memory, durable, memory, ...</summary>
    public int Rounds { get; init; } = 3;

    /// <summary><c>hey</c> (Debian package, default) or <c>builtin</c> (HttpClient workers in this process).</summary>
    public string Generator { get; init; } = "hey";

    /// <summary>Added latency of the Auth0 emulator per request (0 = answer at once).</summary>
    public int UpstreamLatencyMs { get; init; }

    /// <summary>
    /// CPUs the two servers are pinned to (<c>taskset -c</c> list, e.g. <c>0</c>); null = not pinned. With the runner
    /// and PostgreSQL pinned to the other CPUs this stands in for a database and load generator on their own hosts.
    /// </summary>
    public string? ServerCpus { get; init; }

    /// <summary>Measured seconds of the crypto-only floor (the project's sealer on every core, after as many unmeasured).</summary>
    public int CryptoSeconds { get; init; } = 20;

    /// <summary>
    /// <c>product</c>: the servers log with the product's defaults (what an operator gets with no appsettings.json);
    /// <c>warning</c>: every category at Warning (the setting of the measurements before the logging defaults).
    /// </summary>
    public string ServerLogging { get; init; } = "product";

    public string? ConnectionString { get; init; }

    public bool KeepDatabase { get; init; }

    public static ProxySettings From(CommandArgs args)
    {
        var defaults = new ProxySettings();
        var settings = new ProxySettings
        {
            DurationSeconds = args.Int("duration", defaults.DurationSeconds),
            WarmupSeconds = args.Int("warmup", defaults.WarmupSeconds),
            Concurrency = args.Int("concurrency", defaults.Concurrency),
            Rounds = args.Int("rounds", defaults.Rounds),
            Generator = args.String("generator", defaults.Generator),
            UpstreamLatencyMs = args.Int("upstream-latency-ms", defaults.UpstreamLatencyMs),
            ServerCpus = args.OptionalString("server-cpus"),
            CryptoSeconds = args.Int("crypto-seconds", defaults.CryptoSeconds),
            ServerLogging = args.String("server-logging", defaults.ServerLogging),
            ConnectionString = args.OptionalString("connection-string"),
            KeepDatabase = args.Bool("keep-db", false),
        };
        args.ThrowIfUnknown();
        if (settings.Generator is not ("hey" or "builtin"))
        {
            throw new ArgumentException("--generator must be 'hey' or 'builtin'");
        }

        if (settings.ServerLogging is not ("product" or "warning"))
        {
            throw new ArgumentException("--server-logging must be 'product' or 'warning'");
        }

        if (settings.CryptoSeconds < 1)
        {
            throw new ArgumentException("--crypto-seconds must be at least 1");
        }

        if (settings.ServerCpus is { } cpus && !System.Text.RegularExpressions.Regex.IsMatch(cpus, "^[0-9]+([-,][0-9]+)*$"))
        {
            throw new ArgumentException("--server-cpus must be a CPU list such as 0 or 0-1 or 0,2");
        }

        return settings;
    }
}
