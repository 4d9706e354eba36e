using Microsoft.Extensions.Diagnostics.HealthChecks;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// Watches the durable audit transport: every <see cref="Interval"/> it counts dead-lettered and pending audit stream
/// messages and publishes them as gauges (<c>quantaseal.audit.dead_letters</c>, <c>quantaseal.audit.pending_messages</c>,
/// <c>quantaseal.audit.oldest_pending_seconds</c> — <c>quantaseal_audit_oldest_pending_seconds</c> at <c>/metrics</c> — and
/// <c>quantaseal.audit.prepared_transactions</c> on the <c>QuantaSeal.Audit</c> meter). A dead-lettered message holds
/// audit events that are not in their tenant's chain: it is logged as an error whenever the count changes and turns the
/// audit health check (<c>/healthz/audit</c>) unhealthy until an operator has re-driven it. The age of the oldest queued
/// message is the early alarm: dead letters come only after hours of failing delivery, the backlog age says within
/// <see cref="BacklogAgeAlarm"/> that chains are not taking their events (health degraded). A prepared transaction
/// holds every audit queue reader back while it stays open; it is logged as a warning.
/// </summary>
internal sealed partial class AuditStreamMonitor(string connectionString, ILogger<AuditStreamMonitor> logger) : BackgroundService, IHealthCheck
{
    private long _deadLetters = -1;
    private long _pending = -1;
    private long _oldestPendingSeconds = -1;
    private long _prepared = -1;

    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Backlog age from which <c>/healthz/audit</c> reports degraded (the normal lag is well under a second).</summary>
    public static TimeSpan BacklogAgeAlarm { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Registers the gauges once per process (the meter is static).</summary>
    public void RegisterGauges()
    {
        AuditMetrics.CreateGauge("quantaseal.audit.dead_letters", () => Interlocked.Read(ref _deadLetters), "{message}",
            "Audit stream messages dead-lettered (their events are missing from the chains); -1 while unknown.");
        AuditMetrics.CreateGauge("quantaseal.audit.pending_messages", () => Interlocked.Read(ref _pending), "{message}",
            "Audit stream messages enqueued and not yet chained; -1 while unknown.");
        AuditMetrics.CreateGauge("quantaseal.audit.oldest_pending_seconds", () => Interlocked.Read(ref _oldestPendingSeconds), "s",
            "Age of the oldest audit stream message not yet chained (0 when none); -1 while unknown.");
        AuditMetrics.CreateGauge("quantaseal.audit.prepared_transactions", () => Interlocked.Read(ref _prepared), "{transaction}",
            "Prepared transactions on the database server (each holds the audit queue readers back); -1 while unknown.");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var (dead, pending, oldest, prepared) = await RefreshAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["dead_letters"] = dead, ["pending_messages"] = pending, ["oldest_pending_seconds"] = oldest, ["prepared_transactions"] = prepared,
            };
            if (dead > 0)
            {
                return HealthCheckResult.Unhealthy($"{dead} audit stream messages are dead-lettered: their events are not in the tenants' chains.", data: data);
            }

            return oldest >= BacklogAgeAlarm.TotalSeconds
                ? HealthCheckResult.Degraded($"The oldest audit event not yet chained waits for {oldest} s.", data: data)
                : HealthCheckResult.Healthy("No audit event is dead-lettered and the chains keep up.", data);
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
                Interlocked.Exchange(ref _oldestPendingSeconds, -1);
                Interlocked.Exchange(ref _prepared, -1);
                Log.CountFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<(long Dead, long Pending, long OldestSeconds, long Prepared)> RefreshAsync(CancellationToken cancellationToken)
    {
        var dead = await AuditStreamDiagnostics.CountDeadLettersAsync(connectionString, cancellationToken);
        var pending = await AuditStreamDiagnostics.CountPendingAsync(connectionString, cancellationToken);
        var oldest = await AuditStreamDiagnostics.OldestPendingSecondsAsync(connectionString, cancellationToken);
        var prepared = await AuditStreamDiagnostics.CountPreparedTransactionsAsync(connectionString, cancellationToken);
        var before = Interlocked.Exchange(ref _deadLetters, dead);
        Interlocked.Exchange(ref _pending, pending);
        Interlocked.Exchange(ref _oldestPendingSeconds, oldest);
        var preparedBefore = Interlocked.Exchange(ref _prepared, prepared);
        if (dead > 0 && dead != before)
        {
            Log.DeadLetters(logger, dead);
        }

        if (prepared > 0 && prepared != preparedBefore)
        {
            Log.PreparedTransactions(logger, prepared);
        }

        return (dead, pending, oldest, prepared);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7210, Level = LogLevel.Error, Message = "{Count} audit stream messages are dead-lettered: their events are not in the tenants' chains (table audit_queue_dead_letters)")]
        public static partial void DeadLetters(ILogger logger, long count);

        [LoggerMessage(EventId = 7213, Level = LogLevel.Warning, Message = "{Count} prepared transactions are open on the database server (pg_prepared_xacts): while one stays open no audit event reaches its chain; commit or roll it back (COMMIT PREPARED / ROLLBACK PREPARED)")]
        public static partial void PreparedTransactions(ILogger logger, long count);

        [LoggerMessage(EventId = 7211, Level = LogLevel.Warning, Message = "Could not count the audit stream backlog ({Cause})")]
        public static partial void CountFailed(ILogger logger, string cause);
    }
}
