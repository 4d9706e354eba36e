using QuantaSeal.Grains.Audit;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Chain;

/// <summary>
/// The knobs of the chain scenario. Null tuning values keep what the product configures (src/** is not changed by a
/// load run); a value overrides the silo's option for this run only, so its effect can be measured before proposing it.
/// </summary>
internal sealed record ChainSettings
{
    /// <summary>
    /// Unmeasured seconds before the window. On 2 cores the tiered JIT was still taking about a fifth of the CPU 15-20 s
    /// into a run (perf), so a short warm-up measures the JIT, not the chain.
    /// </summary>
    public int WarmupSeconds { get; init; } = 30;

    public int DurationSeconds { get; init; } = 30;

    /// <summary>Publishes in flight at once (callers awaiting <c>IAuditPublisher.PublishAsync</c>).</summary>
    public int Concurrency { get; init; } = 512;

    /// <summary><c>product</c>: the silo's own <c>IAuditPublisher</c>; <c>tuned</c>: the same group commit with <see cref="MaxBatch"/> and <see cref="Writers"/>.</summary>
    public string Publisher { get; init; } = "product";

    /// <summary>Events per stream message (tuned publisher only; the product uses 64).</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>Stream writes of the tenant in flight at once (tuned publisher only; the product uses 2).</summary>
    public int Writers { get; init; } = 2;

    /// <summary>StreamPullingAgentOptions.GetQueueMsgsTimerPeriod in ms (product: 25).</summary>
    public int? PollingMs { get; init; }

    /// <summary>StreamPullingAgentOptions.BatchContainerBatchSize: stream messages per delivery to the chain grain (Orleans default 1).</summary>
    public int? DeliveryBatch { get; init; }

    /// <summary>SimpleQueueCacheOptions.CacheSize of the audit provider (messages held between read and confirmation).</summary>
    public int? CacheSize { get; init; }

    public int CatchUpTimeoutSeconds { get; init; } = 300;

    public string? ConnectionString { get; init; }

    public bool KeepDatabase { get; init; }

    public static ChainSettings From(CommandArgs args)
    {
        var defaults = new ChainSettings();
        var settings = new ChainSettings
        {
            WarmupSeconds = args.Int("warmup", defaults.WarmupSeconds),
            DurationSeconds = args.Int("duration", defaults.DurationSeconds),
            Concurrency = args.Int("concurrency", defaults.Concurrency),
            Publisher = args.String("publisher", defaults.Publisher),
            MaxBatch = args.Int("max-batch", defaults.MaxBatch),
            Writers = args.Int("writers", defaults.Writers),
            PollingMs = Optional(args, "polling-ms"),
            DeliveryBatch = Optional(args, "delivery-batch"),
            CacheSize = Optional(args, "cache-size"),
            CatchUpTimeoutSeconds = args.Int("catch-up-timeout", defaults.CatchUpTimeoutSeconds),
            ConnectionString = args.OptionalString("connection-string"),
            KeepDatabase = args.Bool("keep-db", false),
        };
        args.ThrowIfUnknown();
        if (settings.Publisher is not ("product" or "tuned"))
        {
            throw new ArgumentException("--publisher must be 'product' or 'tuned'");
        }

        if (settings.Publisher == "product" && (settings.MaxBatch != defaults.MaxBatch || settings.Writers != defaults.Writers))
        {
            throw new ArgumentException("--max-batch and --writers need --publisher tuned (the product's values are constants)");
        }

        return settings;
    }

    public string Describe()
    {
        static string Knob(int? value, string unit = "") =>
            value is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) + unit : "product";

        var publisher = Publisher == "product" ? $"product({StreamAuditPublisher.MaxBatch}x{StreamAuditPublisher.MaxWritersPerTenant})" : $"tuned({MaxBatch}x{Writers})";
        return $"publisher={publisher} polling={Knob(PollingMs, "ms")} deliveryBatch={Knob(DeliveryBatch)} cache={Knob(CacheSize)} c={Concurrency}";
    }

    private static int? Optional(CommandArgs args, string name)
    {
        var value = args.Int(name, int.MinValue);
        return value == int.MinValue ? null : value;
    }
}
