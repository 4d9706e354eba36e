using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;
using static QuantaSeal.Server.Tests.Audit.AuditDurabilityHarness;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// DESIGN §7 with real processes: "An event acknowledged to a caller (its id returned) is never lost ... a
/// redelivered event is not chained twice." A PostgreSQL silo under a steady stream of audited calls is killed with
/// SIGKILL (no shutdown code runs, so the stream messages it had dequeued stay unconfirmed) and restarted on the same
/// database; every id a caller got must end up in the chain exactly once, and the chain must still verify.
/// </summary>
public sealed partial class AuditDurabilityTests
{
    private const int Loops = 16;

    /// <summary>The kill comes once this many calls were acknowledged (or <see cref="MaxLoadBeforeKill"/> passed).</summary>
    private const int AcknowledgedBeforeKill = 150;

    /// <summary>Below this the load did not really run and the test proves little.</summary>
    private const int MinimumAcknowledged = 30;

    private static readonly TimeSpan MaxLoadBeforeKill = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The restarted silo reads what the killed one left unconfirmed as soon as its pulling agents start (measured: the
    /// queue drains within a second of the restart); the rest is slack for a loaded two-core machine.
    /// </summary>
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KillDashNine_UnderLoad_EveryAcknowledgedEventIsChainedOnce_AndTheChainVerifies()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dir = Directory.CreateTempSubdirectory("qs-audit-kill-").FullName;
        var args = PostgresArgs(db.ConnectionString, dir);
        var port = ServerProcess.FreePort();
        using var recipient = MlKem768KeyPair.Generate();

        var acknowledged = new ConcurrentBag<string>();
        int refused = 0, afterExit = 0;
        var noAnswer = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        string tenantId, adminKey, workerKey;
        KillSnapshot atKill;
        var clock = Stopwatch.StartNew();
        TimeSpan startTime, restartTime, loadTime;

        await using (var first = await ServerProcess.StartAsync(args, Ct, port))
        {
            startTime = clock.Elapsed;
            var tenant = await first.Sdk(null).CreateTenantAsync(await OperatorKeyAsync(dir, Ct), "kill-9", cancellationToken: Ct);
            (tenantId, adminKey) = (tenant.TenantId, tenant.ApiKey);
            var admin = first.Sdk(adminKey);
            await admin.RegisterRecipientKeyAsync(recipient, "kill-9", Ct);
            workerKey = (await admin.CreateApiKeyAsync("load", ["proxy"], cancellationToken: Ct)).ApiKey;

            using var http = first.Http();
            using var stopLoad = new CancellationTokenSource();
            var reaped = 0;
            var load = Enumerable.Range(0, Loops).Select(async loop =>
            {
                for (var n = 0; !stopLoad.IsCancellationRequested; n++)
                {
                    var startedBeforeExit = Volatile.Read(ref reaped) == 0;
                    var result = await EchoAsync(http, workerKey, (loop * 1_000_000) + n, Ct);
                    if (result.Succeeded && result.AuditEventId is { } id)
                    {
                        acknowledged.Add(id);
                    }
                    else if (result.Answered)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    else if (startedBeforeExit)
                    {
                        // Sent while the process may still have been alive: it may or may not have been chained.
                        noAnswer.AddOrUpdate(result.Failure!, 1, (_, c) => c + 1);
                    }
                    else
                    {
                        Interlocked.Increment(ref afterExit);
                    }
                }
            }).ToArray();

            var loadStarted = Stopwatch.GetTimestamp();
            while (acknowledged.Count < AcknowledgedBeforeKill && Stopwatch.GetElapsedTime(loadStarted) < MaxLoadBeforeKill)
            {
                await Task.Delay(50, Ct);
            }

            loadTime = Stopwatch.GetElapsedTime(loadStarted);
            await first.KillAsync(Ct);
            Volatile.Write(ref reaped, 1);
            await stopLoad.CancelAsync();
            await Task.WhenAll(load);

            // What the dead silo left in the queue: rows it may have read but not confirmed are read again after the restart.
            atKill = await SnapshotAsync(db.ConnectionString);
        }

        var restartedAt = clock.Elapsed;
        await using var second = await ServerProcess.StartAsync(args, Ct, port);
        restartTime = clock.Elapsed - restartedAt;
        var adminAfter = second.Sdk(adminKey);

        // The restarted silo keeps chaining after the crash, on top of the recovered head.
        using (var http = second.Http())
        {
            for (var n = 0; n < 5; n++)
            {
                var result = await EchoAsync(http, workerKey, -n, Ct);
                Assert.True(result.Succeeded, $"Echo after the restart: {result}");
                acknowledged.Add(result.AuditEventId!);
            }
        }

        var expected = acknowledged.ToHashSet(StringComparer.Ordinal);
        var (chain, done, waited, readsRefused) = await WaitForChainAsync(
            adminAfter,
            async events =>
                expected.IsSubsetOf(events.Select(e => e.EventId))
                && await AuditStreamDiagnostics.CountPendingAsync(db.ConnectionString, Ct) == 0,
            RecoveryTimeout,
            Ct);

        var chainedIds = chain.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(id => !chainedIds.Contains(id)).ToList();
        var workerEvents = chain.Count(e => e.Action == "envelope.echo");
        var deadLetters = await AuditStreamDiagnostics.CountDeadLettersAsync(db.ConnectionString, Ct);
        Report($"kill -9 under load ({Loops} loops, killed after {loadTime.TotalSeconds:F1} s): acknowledged {expected.Count} (5 after the restart), "
            + $"refused {refused}, no answer {noAnswer.Values.Sum()} ({string.Join(", ", noAnswer.Select(kv => kv.Key + " " + kv.Value))}), sent after the exit {afterExit}; "
            + $"{atKill}; "
            + $"chained {chain.Count} events ({workerEvents} echo, so {workerEvents - expected.Count} unacknowledged calls were chained), "
            + $"missing {missing.Count}, dead letters {deadLetters}, chain reads answered 503 {readsRefused.Count}; start {startTime.TotalSeconds:F1} s, restart {restartTime.TotalSeconds:F1} s, "
            + $"chain complete and queue drained {waited.TotalSeconds:F1} s after the restart.");

        Assert.True(done, $"After {waited.TotalSeconds:F0} s: {missing.Count} acknowledged events missing (e.g. {string.Join(", ", missing.Take(5))}), "
            + $"{await AuditStreamDiagnostics.CountPendingAsync(db.ConnectionString, Ct)} stream rows pending.\n{second.Output}");
        Assert.True(expected.Count >= MinimumAcknowledged + 5, $"Only {expected.Count - 5} calls were acknowledged before the kill; the load did not run.");
        Assert.Empty(missing);
        Assert.True(atKill.Queued.IsSubsetOf(chainedIds), "An event that was in the audit queue at the kill never reached the chain.");
        Assert.Equal(0, deadLetters);
        AssertGaplessAndUnique(chain);
        Assert.True(workerEvents - expected.Count <= noAnswer.Values.Sum() + refused, "More unacknowledged echo events were chained than calls went unanswered.");
        await AssertChainVerifiesAsync(adminAfter, tenantId, chain, Ct);
    }

    /// <summary>
    /// The database right after the kill: the events already chained, and the event ids inside the audit queue rows still
    /// unconfirmed, split by whether the dead silo had already chained them (their redelivery must be skipped). The rows
    /// hold Orleans-serialised batches in which each id is an ASCII string, so the ids are read out of the bytes.
    /// </summary>
    private static async Task<KillSnapshot> SnapshotAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var chained = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT event_id FROM audit_events", connection))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                chained.Add(reader.GetString(0));
            }
        }

        var queued = new HashSet<string>(StringComparer.Ordinal);
        var rows = 0;
        await using (var command = new NpgsqlCommand("SELECT payload FROM audit_queue_messages", connection))
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                rows++;
                foreach (Match match in EventIdPattern().Matches(Encoding.Latin1.GetString((byte[])reader[0])))
                {
                    queued.Add(match.Value);
                }
            }
        }

        return new KillSnapshot(chained, rows, queued);
    }

    [GeneratedRegex("aud_[0-9A-HJKMNP-TV-Z]{26}", RegexOptions.CultureInvariant)]
    private static partial Regex EventIdPattern();

    private sealed record KillSnapshot(HashSet<string> Chained, int Rows, HashSet<string> Queued)
    {
        /// <summary>Unconfirmed events the dead silo had already chained: their redelivery must be skipped, not chained again.</summary>
        public int QueuedAndChained => Queued.Count(Chained.Contains);

        public override string ToString() =>
            $"at the kill {Chained.Count} events chained; {Rows} audit queue rows unconfirmed holding {Queued.Count} events "
            + $"({QueuedAndChained} already chained, so redelivered duplicates; {Queued.Count - QueuedAndChained} not yet chained)";
    }
}
