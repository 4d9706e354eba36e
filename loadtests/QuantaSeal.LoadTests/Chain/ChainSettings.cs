using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Chain;

/// <summary>
/// The knobs of the chain scenario, each declared once as its option (name, default, help) and read from the parsed
/// command line. Unset tuning values keep what the product configures (src/** is not changed by a load run); a value
/// overrides the silo's option for this run only, so its effect can be measured before proposing it.
/// </summary>
internal sealed class ChainSettings(ParseResult parse)
{
    /// <summary>On 2 cores the tiered JIT was still taking about a fifth of the CPU 15-20 s into a run (perf), so a short warm-up measures the JIT, not the chain.</summary>
    private static readonly Option<int> Warmup = LoadOptions.Create("--warmup", 30, "Unmeasured seconds before the window.");

    private static readonly Option<int> Duration = LoadOptions.Create("--duration", 30, "Measured seconds.");

    private static readonly Option<int> InFlight = LoadOptions.Create("--concurrency", 512, "Publishes in flight at once (callers awaiting IAuditPublisher.PublishAsync).");

    private static readonly Option<string> PublisherOption = LoadOptions.Create("--publisher", "product", "product: the silo's own publisher; tuned: the same group commit with --max-batch and --writers.")
        .AcceptOnlyFromAmong("product", "tuned");

    private static readonly Option<int> MaxBatchOption = LoadOptions.Create("--max-batch", StreamAuditPublisher.MaxBatch, "Events per stream message (--publisher tuned only).");

    private static readonly Option<int> WritersOption = LoadOptions.Create("--writers", 2, $"Stream writes of the tenant in flight at once (--publisher tuned only; the product uses {StreamAuditPublisher.MaxWritersPerTenant}).");

    private static readonly Option<int?> Polling = LoadOptions.Optional<int?>("--polling-ms", "StreamPullingAgentOptions.GetQueueMsgsTimerPeriod in ms (default: the product's).");

    private static readonly Option<int?> Delivery = LoadOptions.Optional<int?>("--delivery-batch", "StreamPullingAgentOptions.BatchContainerBatchSize: stream messages per delivery to the chain grain (default: the product's).");

    private static readonly Option<int?> Cache = LoadOptions.Optional<int?>("--cache-size", "SimpleQueueCacheOptions.CacheSize of the audit provider (default: the product's).");

    private static readonly Option<int> CatchUp = LoadOptions.Create("--catch-up-timeout", 300, "Seconds to wait for the chain after publishing stops.");

    public int WarmupSeconds => parse.GetValue(Warmup);

    public int DurationSeconds => parse.GetValue(Duration);

    public int Concurrency => parse.GetValue(InFlight);

    /// <summary><c>product</c>: the silo's own <c>IAuditPublisher</c>; <c>tuned</c>: the same group commit with <see cref="MaxBatch"/> and <see cref="Writers"/>.</summary>
    public string Publisher => parse.GetValue(PublisherOption)!;

    public int MaxBatch => parse.GetValue(MaxBatchOption);

    public int Writers => parse.GetValue(WritersOption);

    public int? PollingMs => parse.GetValue(Polling);

    public int? DeliveryBatch => parse.GetValue(Delivery);

    public int? CacheSize => parse.GetValue(Cache);

    public int CatchUpTimeoutSeconds => parse.GetValue(CatchUp);

    public string? ConnectionString => parse.GetValue(LoadOptions.ConnectionString);

    public bool KeepDatabase => parse.GetValue(LoadOptions.KeepDatabase);

    /// <summary>
    /// The run's overrides of the audit stream provider's named options (<see cref="AuditStreams.ProviderName"/>) on top
    /// of the product's (<see cref="LoadSilo.Build"/>).
    /// </summary>
    public void OverrideSiloOptions(IServiceCollection services)
    {
        services.PostConfigure<StreamPullingAgentOptions>(AuditStreams.ProviderName, o =>
        {
            if (PollingMs is { } polling)
            {
                o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(polling);
            }

            if (DeliveryBatch is { } delivery)
            {
                o.BatchContainerBatchSize = delivery;
            }
        });
        if (CacheSize is { } cacheSize)
        {
            services.PostConfigure<SimpleQueueCacheOptions>(AuditStreams.ProviderName, o => o.CacheSize = cacheSize);
        }
    }

    /// <summary>The <c>chain</c> subcommand.</summary>
    public static Command CreateCommand()
    {
        var command = new Command("chain", "Sustained events/s into one tenant's audit chain on PostgreSQL.")
        {
            Warmup, Duration, InFlight, PublisherOption, MaxBatchOption, WritersOption, Polling, Delivery, Cache, CatchUp, LoadOptions.ConnectionString, LoadOptions.KeepDatabase,
        };
        command.Validators.Add(result =>
        {
            // Defaults are not applied yet while validating: an absent --publisher is the product's.
            if ((result.GetValue(PublisherOption) ?? "product") == "product" && (result.WasGiven(MaxBatchOption) || result.WasGiven(WritersOption)))
            {
                result.AddError("--max-batch and --writers need --publisher tuned (the product's values are constants)");
            }
        });
        command.SetAction((parse, cancellationToken) => new ChainScenario(new ChainSettings(parse)).RunAsync(cancellationToken));
        return command;
    }

    public string Describe()
    {
        static string Knob(int? value, string unit = "") =>
            value is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) + unit : "product";

        var publisher = Publisher == "product" ? $"product({StreamAuditPublisher.MaxBatch}x{StreamAuditPublisher.MaxWritersPerTenant})" : $"tuned({MaxBatch}x{Writers})";
        return $"publisher={publisher} polling={Knob(PollingMs, "ms")} deliveryBatch={Knob(DeliveryBatch)} cache={Knob(CacheSize)} c={Concurrency}";
    }
}
