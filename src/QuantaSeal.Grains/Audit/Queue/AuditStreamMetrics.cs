using System.Diagnostics.Metrics;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>Counters of the audit queue itself, on the audit meter (<see cref="AuditMetrics.MeterName"/>).</summary>
internal static class AuditStreamMetrics
{
    private static readonly Meter Meter = new(AuditMetrics.MeterName);

    /// <summary>Times a queue reader found the database's transaction ids below its position and read again from the start.</summary>
    internal static readonly Counter<long> PositionResets = Meter.CreateCounter<long>("quantaseal.audit.queue_position_resets", "{reset}");

    /// <summary>Queue messages given up on (each holds one or more events) and moved to the dead letters.</summary>
    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("quantaseal.audit.messages_dead_lettered", "{message}");
}
