using System.Diagnostics.Metrics;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// The audit pipeline's metrics (meter <see cref="MeterName"/>): what was published, chained, refused and dropped as a
/// duplicate. Dead letters of the durable stream are observed by the server (a gauge and a health check).
/// </summary>
public static class AuditMetrics
{
    /// <summary>Meter name to subscribe to (OpenTelemetry <c>AddMeter</c>).</summary>
    public const string MeterName = "QuantaSeal.Audit";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Events durably enqueued by the publisher.</summary>
    internal static readonly Counter<long> Published = Meter.CreateCounter<long>("quantaseal.audit.events_published", "{event}");

    /// <summary>Events whose enqueue failed (the action was refused).</summary>
    internal static readonly Counter<long> PublishFailed = Meter.CreateCounter<long>("quantaseal.audit.publish_failures", "{event}");

    /// <summary>Publisher batch sizes (group commit).</summary>
    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("quantaseal.audit.publish_batch_size", "{event}");

    /// <summary>Events appended to chains.</summary>
    internal static readonly Counter<long> Chained = Meter.CreateCounter<long>("quantaseal.audit.events_chained", "{event}");

    /// <summary>Redelivered events recognised and not chained twice.</summary>
    internal static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("quantaseal.audit.duplicates_skipped", "{event}");

    /// <summary>Events refused by a chain (wrong tenant, malformed). Any value above zero needs an operator.</summary>
    internal static readonly Counter<long> Rejected = Meter.CreateCounter<long>("quantaseal.audit.events_rejected", "{event}");

    /// <summary>Signed checkpoints written.</summary>
    internal static readonly Counter<long> Checkpoints = Meter.CreateCounter<long>("quantaseal.audit.checkpoints", "{checkpoint}");

    /// <summary>Registers an observable gauge on the audit meter (used by the server for stream dead letters).</summary>
    public static ObservableGauge<long> CreateGauge(string name, Func<long> observe, string? unit = null, string? description = null) =>
        Meter.CreateObservableGauge(name, observe, unit, description);
}
