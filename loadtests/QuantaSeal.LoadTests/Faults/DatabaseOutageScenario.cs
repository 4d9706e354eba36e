using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Faults;

/// <summary>
/// <c>faults --fault db-outage|chain-lock</c> (issue 12): under publish load, a database outage longer than the audit
/// queue's give-up time (db-outage), or the chain table locked that long while the queue keeps acknowledging
/// (chain-lock), then an operator re-drive. One silo wired as the server's PostgreSQL mode, except a short give-up time
/// (<c>--give-up-seconds</c>, product 6 h). For db-outage the PostgreSQL server itself is stopped and started with
/// deploy/scripts/pg.sh (<c>--pg-data DIR --pg-port PORT</c>: the instance <c>QUANTASEAL_TEST_PG</c> points at, which
/// no one else may be using).
/// Every acknowledged event id is kept, so "lost" is counted by id, not inferred from totals.
/// </summary>
internal sealed class DatabaseOutageScenario(ParseResult args)
{
    private static readonly Option<string> FaultOption = LoadOptions.Create("--fault", "db-outage", "db-outage (stop PostgreSQL) or chain-lock (lock the chain table).")
        .AcceptOnlyFromAmong("db-outage", "chain-lock");

    private static readonly Option<string?> PgData = LoadOptions.Optional<string?>("--pg-data", "For db-outage: the pg.sh data folder of the instance QUANTASEAL_TEST_PG points at.");

    private static readonly Option<int> PgPort = LoadOptions.Create("--pg-port", 0, "For db-outage: that instance's port.");

    private static readonly Option<int> GiveUp = LoadOptions.Create("--give-up-seconds", 5, "Delivery give-up time (product: 6 h).").AtLeast(1);

    private static readonly Option<int> Outage = LoadOptions.Create("--outage-seconds", 15, "How long the fault lasts; longer than the give-up time.").AtLeast(1);

    private static readonly Option<int> Load = LoadOptions.Create("--load-seconds", 10, "Publishing before the fault.").AtLeast(1);

    private static readonly Option<int> Workers = LoadOptions.Create("--workers", 32, "Concurrent publishers.").AtLeast(1);

    private readonly ConcurrentBag<string> _acked = [];
    private long _refused;

    /// <summary>The <c>faults</c> subcommand.</summary>
    public static Command CreateCommand()
    {
        var command = new Command("faults", "Audit transport faults: a database outage or a locked chain table past the give-up time, then a re-drive; counts lost and duplicated events by id.")
        {
            FaultOption, PgData, PgPort, GiveUp, Outage, Load, Workers, LoadOptions.ConnectionString, LoadOptions.KeepDatabase,
        };
        command.SetAction((parse, cancellationToken) => new DatabaseOutageScenario(parse).RunAsync(cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var fault = args.GetValue(FaultOption)!;
        var pgData = args.GetValue(PgData);
        var pgPort = args.GetValue(PgPort);
        if (fault == "db-outage" && (pgData is null || pgPort <= 0))
        {
            throw new ArgumentException("--fault db-outage needs --pg-data DIR and --pg-port PORT (as given to deploy/scripts/pg.sh start).");
        }

        var giveUp = TimeSpan.FromSeconds(args.GetValue(GiveUp));
        var outage = TimeSpan.FromSeconds(args.GetValue(Outage));
        var before = TimeSpan.FromSeconds(args.GetValue(Load));
        var workers = args.GetValue(Workers);
        if (outage <= giveUp)
        {
            throw new ArgumentException("--outage-seconds must be longer than --give-up-seconds: the fault is an outage past the give-up time.");
        }

        var connectionString = args.GetValue(LoadOptions.ConnectionString);
        var keep = args.GetValue(LoadOptions.KeepDatabase);

        var admin = ScratchDatabase.AdminConnectionString(connectionString);
        await using var database = await ScratchDatabase.CreateAsync(admin, "faults", keep, cancellationToken);
        // The only change from the product: give up on a failing delivery after seconds instead of 6 hours.
        using var host = LoadSilo.Build(database.ConnectionString, "qs-load-faults", LogLevel.Error, services =>
            services.PostConfigure<StreamPullingAgentOptions>(AuditStreams.ProviderName, o => o.MaxEventDeliveryTime = giveUp));
        await host.StartAsync(cancellationToken);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var tenantId = await LoadSilo.CreateTenantAsync(grains, "load-faults", cancellationToken);
            var publisher = host.Services.GetRequiredService<IAuditPublisher>();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"faults {fault}: give-up {giveUp.TotalSeconds} s, outage {outage.TotalSeconds} s, load {before.TotalSeconds} s before and after, {workers} publishers, tenant {tenantId}"));

            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, workers).Select(_ => Task.Run(() => PublishLoopAsync(publisher, tenantId, stop.Token), CancellationToken.None)).ToArray();
            await Task.Delay(before, cancellationToken);
            var ackedBeforeOutage = _acked.Count;
            if (fault == "db-outage")
            {
                await PgAsync("stop", pgData!, null, cancellationToken);
                Console.WriteLine($"PostgreSQL stopped after {ackedBeforeOutage} acknowledged events");
                await Task.Delay(outage, cancellationToken);
                await PgAsync("start", pgData!, pgPort, cancellationToken);
                Console.WriteLine($"PostgreSQL started again after {outage.TotalSeconds} s");
            }
            else
            {
                // The chain's table locked by another session: every chain write waits, then fails at its command
                // timeout, while the queue keeps accepting (and acknowledging) events. Delivery fails past the give-up.
                await using var locker = new NpgsqlConnection(database.ConnectionString);
                await locker.OpenAsync(cancellationToken);
                await using var transaction = await locker.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE", locker, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                Console.WriteLine($"audit_events locked after {ackedBeforeOutage} acknowledged events");
                await Task.Delay(outage, cancellationToken);
                await transaction.RollbackAsync(cancellationToken);
                Console.WriteLine($"audit_events unlocked after {outage.TotalSeconds} s");
            }

            await Task.Delay(before, cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(load);
            var back = Stopwatch.StartNew();

            var acked = _acked.ToHashSet(StringComparer.Ordinal);

            // Caught up: nothing pending in the queue, and every acknowledged event is chained or dead-lettered.
            var caughtUp = await WaitAsync(
                async () => await AuditStreamDiagnostics.CountPendingAsync(database.ConnectionString, cancellationToken) == 0
                    && (await ChainedAsync(database.ConnectionString, tenantId, cancellationToken)).Count + await DeadLetteredEventsAsync(database.ConnectionString, tenantId, cancellationToken) >= acked.Count,
                TimeSpan.FromMinutes(2), cancellationToken);
            var catchUp = back.Elapsed;
            var chainedBefore = await ChainedAsync(database.ConnectionString, tenantId, cancellationToken);
            var deadLettered = await DeadLetteredEventsAsync(database.ConnectionString, tenantId, cancellationToken);

            // The operator's re-drive (POST /api/v2/operator/audit/redrive runs the same code).
            var redriveWatch = Stopwatch.StartNew();
            var (messages, events) = await AuditStreamDiagnostics.RedriveAsync(database.ConnectionString, tenantId, 100_000, cancellationToken);
            var redriven = await WaitAsync(
                async () => acked.IsSubsetOf(await ChainedAsync(database.ConnectionString, tenantId, cancellationToken)),
                TimeSpan.FromMinutes(2), cancellationToken);
            var redriveTime = redriveWatch.Elapsed;

            var chained = await ChainedAsync(database.ConnectionString, tenantId, cancellationToken);
            var lost = acked.Count(id => !chained.Contains(id));
            var duplicates = await DuplicatesAsync(database.ConnectionString, tenantId, cancellationToken);
            var report = await grains.GetGrain<IAuditReaderGrain>(tenantId).VerifyAsync(cancellationToken);
            var complete = report.DeadLetteredEvents == 0 && report.UnattributedDeadLetters == 0;

            Console.WriteLine();
            Console.WriteLine("| fault | acknowledged | refused | chained before re-drive | dead-lettered | re-driven | chained after | lost | duplicates chained | catch-up | verify |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(fault == "db-outage" ? "database stopped" : "chain table locked")} {outage.TotalSeconds} s (give-up {giveUp.TotalSeconds} s), {workers} publishers, then re-drive | {acked.Count} | {Interlocked.Read(ref _refused)} | {chainedBefore.Count(acked.Contains)} | {deadLettered} | {events} events in {messages} messages | {chained.Count(acked.Contains)} | **{lost}** | **{duplicates}** | {(caughtUp ? catchUp.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s after the load stopped" : "NOT within 2 min")}; re-drive chained in {(redriven ? redriveTime.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "NOT within 2 min")} | {(report.Valid ? "valid" : "INVALID: " + report.Problem)}, {(complete ? "complete" : "incomplete")} ({report.EventsChecked} events) |"));
            return lost == 0 && duplicates == 0 && report.Valid && complete && caughtUp && redriven ? 0 : 1;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private async Task PublishLoopAsync(IAuditPublisher publisher, string tenantId, CancellationToken stop)
    {
        var sha = Convert.ToHexStringLower(new byte[32]);
        while (!stop.IsCancellationRequested)
        {
            var auditEvent = new AuditEvent(
                AuditIds.New(), tenantId, null, TimeProvider.System.GetUtcNow(), "key_load", AuditActions.ProxyOutbound, "int_load", "get_users",
                AuditOutcomes.Success, 200, sha, 12);
            try
            {
                // Not the stop token: an event being published is awaited to the end, so every acknowledgement counts.
                await publisher.PublishAsync(auditEvent, CancellationToken.None);
                _acked.Add(auditEvent.EventId);
            }
            catch (AuditStreamUnavailableException)
            {
                // Refused (fail closed): never acknowledged, so not counted. Don't spin while the database is down.
                Interlocked.Increment(ref _refused);
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static async Task PgAsync(string verb, string dataDir, int? port, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Path.Combine(Repository.Root, "deploy", "scripts", "pg.sh")) { UseShellExecute = false, RedirectStandardOutput = true };
        info.ArgumentList.Add(verb);
        info.ArgumentList.Add(dataDir);
        if (port is { } p)
        {
            info.ArgumentList.Add(p.ToString(CultureInfo.InvariantCulture));
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run deploy/scripts/pg.sh");
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/scripts/pg.sh {verb} exited {process.ExitCode}");
        }
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (NpgsqlException)
            {
                // The database is still coming back.
            }

            await Task.Delay(250, cancellationToken);
        }

        return false;
    }

    private static async Task<HashSet<string>> ChainedAsync(string connectionString, string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT event_id FROM audit_events WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenantId);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<long> DuplicatesAsync(string connectionString, string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) - count(DISTINCT event_id) FROM audit_events WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenantId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<long> DeadLetteredEventsAsync(string connectionString, string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(coalesce(event_count, 1)), 0)::bigint FROM audit_queue_dead_letters WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenantId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
