using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Chain;

/// <summary>
/// Sustained audit events per second into ONE tenant's chain with PostgreSQL durability (issue 5, goal ≥ 20,000/s).
/// Many callers publish through the silo's IAuditPublisher for a fixed time; the run reports what the publisher
/// acknowledged (durably enqueued), what the chain grain chained meanwhile, how long the chain needs to catch up once
/// publishing stops, and checks at the end that the chain verifies and holds exactly the acknowledged events.
/// </summary>
internal sealed class ChainScenario(ChainSettings settings)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(250);
    private long _acked;
    private long _failed;
    private volatile bool _measuring;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var admin = ScratchDatabase.AdminConnectionString(settings.ConnectionString);
        await using var database = await ScratchDatabase.CreateAsync(admin, "chain", settings.KeepDatabase, cancellationToken);
        using var host = LoadSilo.Build(database.ConnectionString, "qs-load-chain", LogLevel.Warning, settings.OverrideSiloOptions);
        await host.StartAsync(cancellationToken);
        try
        {
            return await MeasureAsync(host.Services, database.ConnectionString, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private async Task<int> MeasureAsync(IServiceProvider services, string connectionString, CancellationToken cancellationToken)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var tenantId = await LoadSilo.CreateTenantAsync(grains, "load-chain", cancellationToken);

        IAuditPublisher publisher = settings.Publisher == "tuned"
            ? new StreamAuditPublisher(services, services.GetRequiredService<ILogger<StreamAuditPublisher>>(), settings.MaxBatch, settings.Writers)
            : services.GetRequiredService<IAuditPublisher>();

        await using var head = new ChainHeadProbe(connectionString, tenantId);
        var baseline = await head.ReadAsync(cancellationToken);
        Console.WriteLine($"chain: {settings.Describe()}, warm-up {settings.WarmupSeconds}s, measure {settings.DurationSeconds}s, tenant {tenantId}, machine {Environment.ProcessorCount} cores");

        using var stop = new CancellationTokenSource();
        var latencies = new List<double>[settings.Concurrency];
        var workers = new Task[settings.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            latencies[i] = new List<double>(4096);
            var own = latencies[i];
            workers[i] = Task.Run(() => PublishLoopAsync(publisher, tenantId, own, stop.Token), CancellationToken.None);
        }

        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken);
        _measuring = true;
        var windowStart = clock.GetTimestamp();
        var ackedAtStart = Interlocked.Read(ref _acked);
        var chainedAtStart = await head.ReadAsync(cancellationToken) - baseline;
        var samples = new List<string>();
        var nextReport = TimeSpan.FromSeconds(5);
        while (clock.GetElapsedTime(windowStart) < TimeSpan.FromSeconds(settings.DurationSeconds))
        {
            await Task.Delay(SampleEvery, cancellationToken);
            if (clock.GetElapsedTime(windowStart) >= nextReport)
            {
                nextReport += TimeSpan.FromSeconds(5);
                var chainedNow = await head.ReadAsync(cancellationToken) - baseline;
                var streamRows = await head.StreamRowsAsync(cancellationToken);
                var ackedNow = Interlocked.Read(ref _acked);
                samples.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  t={clock.GetElapsedTime(started).TotalSeconds,5:F1}s acked={ackedNow,9} chained={chainedNow,9} backlog={ackedNow - chainedNow,8} stream rows={streamRows}"));
                Console.WriteLine(samples[^1]);
            }
        }

        var window = clock.GetElapsedTime(windowStart);
        var ackedInWindow = Interlocked.Read(ref _acked) - ackedAtStart;
        var chainedAtEnd = await head.ReadAsync(cancellationToken) - baseline;
        _measuring = false;
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var stoppedAt = clock.GetTimestamp();
        var totalAcked = Interlocked.Read(ref _acked);
        var backlogAtStop = totalAcked - (await head.ReadAsync(cancellationToken) - baseline);

        // Catch-up: from the moment publishing stopped until every acknowledged event is in the chain.
        long chained;
        var catchUpDeadline = TimeSpan.FromSeconds(settings.CatchUpTimeoutSeconds);
        while ((chained = await head.ReadAsync(cancellationToken) - baseline) < totalAcked && clock.GetElapsedTime(stoppedAt) < catchUpDeadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        var catchUp = clock.GetElapsedTime(stoppedAt);
        var caughtUp = chained >= totalAcked;

        var verifyStarted = clock.GetTimestamp();
        var report = await grains.GetGrain<IAuditReaderGrain>(tenantId).VerifyAsync(cancellationToken);
        var verifyTime = clock.GetElapsedTime(verifyStarted);
        var chainHead = await grains.GetGrain<IAuditChainGrain>(tenantId).GetHeadAsync(cancellationToken);

        var all = latencies.SelectMany(l => l).Order().ToList();
        var ackRate = ackedInWindow / window.TotalSeconds;
        var chainRate = (chainedAtEnd - chainedAtStart) / window.TotalSeconds;
        var countsMatch = chainHead.Seq - baseline == totalAcked && report.EventsChecked == chainHead.Seq;

        Console.WriteLine();
        Console.WriteLine($"| settings | acked ev/s | chained ev/s | publish p50 / p99 ms | backlog at stop | catch-up s | chained = acked | verify |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {settings.Describe()} | {ackRate:F0} | {chainRate:F0} | {Percentiles.Ms(Percentiles.Of(all, 50))} / {Percentiles.Ms(Percentiles.Of(all, 99))} | {backlogAtStop} | {(caughtUp ? catchUp.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "> " + settings.CatchUpTimeoutSeconds)} | {(countsMatch ? "yes" : "NO")} ({chainHead.Seq - baseline} / {totalAcked}) | {(report.Valid ? "valid" : "INVALID: " + report.Problem)} ({report.EventsChecked} events, {verifyTime.TotalSeconds:F1}s) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed publishes: {Interlocked.Read(ref _failed)}; load average at end: {LoadAverage()}"));
        return countsMatch && report.Valid && caughtUp && Interlocked.Read(ref _failed) == 0 ? 0 : 1;
    }

    private async Task PublishLoopAsync(IAuditPublisher publisher, string tenantId, List<double> latencies, CancellationToken stop)
    {
        var clock = TimeProvider.System;
        var sha = Convert.ToHexStringLower(new byte[32]);
        while (!stop.IsCancellationRequested)
        {
            var auditEvent = new AuditEvent(
                AuditIds.New(), tenantId, null, clock.GetUtcNow(), "key_load", AuditActions.ProxyOutbound, "int_load", "get_users",
                AuditOutcomes.Success, 200, sha, 12);
            var started = clock.GetTimestamp();
            try
            {
                // Not the stop token: an event being published is awaited to the end, so every acknowledgement counts.
                await publisher.PublishAsync(auditEvent, CancellationToken.None);
            }
            catch (AuditStreamUnavailableException)
            {
                Interlocked.Increment(ref _failed);
                continue;
            }

            if (_measuring)
            {
                latencies.Add(clock.GetElapsedTime(started).TotalMilliseconds);
            }

            Interlocked.Increment(ref _acked);
        }
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

    /// <summary>Reads the tenant's chain head straight from audit_events (PK index, one row) without touching the grain.</summary>
    private sealed class ChainHeadProbe(string connectionString, string tenantId) : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "quantaseal-load-probe" }.ConnectionString);

        public async Task<long> ReadAsync(CancellationToken cancellationToken)
        {
            await using var command = _dataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM audit_events WHERE tenant_id = @t");
            command.Parameters.AddWithValue("t", tenantId);
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public async Task<long> StreamRowsAsync(CancellationToken cancellationToken)
        {
            await using var command = _dataSource.CreateCommand("SELECT count(*) FROM audit_queue_messages");
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
    }
}
