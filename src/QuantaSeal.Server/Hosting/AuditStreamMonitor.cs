using Microsoft.Extensions.Diagnostics.HealthChecks;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting.Streaming;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// Watches the durable audit transport: every <see cref="Interval"/> it counts dead-lettered and pending audit stream
/// messages and publishes them as gauges (<c>quantaseal.audit.dead_letters</c>, <c>quantaseal.audit.pending_messages</c>
/// on the <c>QuantaSeal.Audit</c> meter, scraped at <c>/metrics</c>). A dead-lettered message holds audit events that
/// are not in their tenant's chain: it is logged as an error whenever the count changes and turns the audit health
/// check (<c>/healthz/audit</c>) unhealthy until an operator has dealt with it.
/// </summary>
internal sealed partial class AuditStreamMonitor(string connectionString, ILogger<AuditStreamMonitor> logger) : BackgroundService, IHealthCheck
{
    private long _deadLetters = -1;
    private long _pending = -1;

    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Registers the gauges once per process (the meter is static).</summary>
    public void RegisterGauges()
    {
        AuditMetrics.CreateGauge("quantaseal.audit.dead_letters", () => Interlocked.Read(ref _deadLetters), "{message}",
            "Audit stream messages dead-lettered (their events are missing from the chains); -1 while unknown.");
        AuditMetrics.CreateGauge("quantaseal.audit.pending_messages", () => Interlocked.Read(ref _pending), "{message}",
            "Audit stream messages enqueued and not yet chained; -1 while unknown.");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var (dead, pending) = await RefreshAsync(cancellationToken);
            var data = new Dictionary<string, object> { ["dead_letters"] = dead, ["pending_messages"] = pending };
            return dead > 0
                ? HealthCheckResult.Unhealthy($"{dead} audit stream messages are dead-lettered: their events are not in the tenants' chains.", data: data)
                : HealthCheckResult.Healthy("No audit event is dead-lettered.", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The audit transport cannot be inspected ({ex.GetType().Name}).");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Exchange(ref _deadLetters, -1);
                Interlocked.Exchange(ref _pending, -1);
                Log.CountFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<(long Dead, long Pending)> RefreshAsync(CancellationToken cancellationToken)
    {
        var dead = await AuditStreamDiagnostics.CountDeadLettersAsync(connectionString, cancellationToken);
        var pending = await AuditStreamDiagnostics.CountPendingAsync(connectionString, cancellationToken);
        var before = Interlocked.Exchange(ref _deadLetters, dead);
        Interlocked.Exchange(ref _pending, pending);
        if (dead > 0 && dead != before)
        {
            Log.DeadLetters(logger, dead);
        }

        return (dead, pending);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7210, Level = LogLevel.Error, Message = "{Count} audit stream messages are dead-lettered: their events are not in the tenants' chains (table audit_queue_dead_letters)")]
        public static partial void DeadLetters(ILogger logger, long count);

        [LoggerMessage(EventId = 7211, Level = LogLevel.Warning, Message = "Could not count the audit stream backlog ({Cause})")]
        public static partial void CountFailed(ILogger logger, string cause);
    }
}
