using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using QuantaSeal.Client;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Server.Security;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Cluster;

/// <summary>
/// Issue 14.5: the cluster as an operator runs it. PostgreSQL, three silo processes and two front-door processes (cluster
/// mTLS with the test CA), the Auth0 emulator; steady proxy and admin traffic through both front doors while one silo
/// gets SIGKILL, another a graceful stop, and both are started again. Every acknowledged call must be chained exactly
/// once, nothing may be dead-lettered, and every credential and integration must still work. The figures go to the
/// test output (the TRX file) as a table.
/// </summary>
public sealed class ClusterProcessTests
{
    private static readonly TimeSpan KillAt = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan StopAt = TimeSpan.FromSeconds(14);
    private static readonly TimeSpan LoadAfterWhole = TimeSpan.FromSeconds(3);
    private const int ServedAfterWhole = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeSilosTwoFrontDoors_SiloKilledAndAnotherStopped_LoseNoAcknowledgedEvent_AndEverythingStillWorks()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        await using var auth0 = await Auth0Emulator.StartAsync(cancellationToken: Ct);
        var dir = Directory.CreateTempSubdirectory("qs-cluster-").FullName;
        var operatorKey = OperatorKeyVerifier.NewKey();
        WritePrivate(Path.Combine(dir, "operator.key"), operatorKey);
        WritePrivate(Path.Combine(dir, "master.key"), LocalKeyWrapProvider.GenerateMasterKeyBase64());
        var clusterId = "proc-" + Guid.NewGuid().ToString("N")[..12];
        string[] common =
        [
            "--storage", "postgres", "--connection-string", db.ConnectionString,
            "--operator-key-file", Path.Combine(dir, "operator.key"), "--master-key-file", Path.Combine(dir, "master.key"),
            "--QuantaSeal:ClusterId=" + clusterId, "--upstream-allow", "http://127.0.0.1:*",
        ];

        var nodes = new Dictionary<string, ServerProcess>();
        try
        {
            // The first silo records the keys' check values; the others start against them.
            nodes["silo-1"] = await ServerProcess.StartAsync(SiloArgs(common), Ct);
            var starting = new[] { "silo-2", "silo-3" }.Select(name => (name, task: ServerProcess.StartAsync(SiloArgs(common), Ct))).ToList();
            foreach (var (name, task) in starting)
            {
                nodes[name] = await task;
            }

            var doors = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ServerProcess.StartAsync([.. common, "--role", "frontdoor"], Ct)));
            nodes["frontdoor-1"] = doors[0];
            nodes["frontdoor-2"] = doors[1];

            var tenant = await doors[0].Sdk(null).CreateTenantAsync(operatorKey, "cluster-process", cancellationToken: Ct);
            var sdks = doors.Select(d => d.Sdk(tenant.ApiKey)).ToArray();
            var recipient = RecipientKey.Generate();
            await sdks[0].RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
            var keys = await sdks[0].GetKeysAsync(Ct);
            var opener = new Encryption(keys.SigningPublicKeysById(), tenant.HmacKey, recipient, tenant.TenantId);
            var run = new LoadRun(sdks, auth0);
            await run.AddIntegrationAsync(sdks[0], Ct); // the load needs one integration before it starts

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var clock = Stopwatch.StartNew();
            var load = run.RunAsync(clock, stop.Token);

            await Task.Delay(KillAt, Ct);
            await nodes["silo-2"].KillAsync(Ct);
            var killedAt = clock.Elapsed;
            await Task.Delay(StopAt - KillAt, Ct);
            var stoppedAt = clock.Elapsed;
            await nodes["silo-3"].StopAsync(Ct);
            var stopExit = nodes["silo-3"].ExitCode;

            var restartAt = clock.Elapsed;
            var restarted = await Task.WhenAll(ServerProcess.StartAsync(SiloArgs(common), Ct), ServerProcess.StartAsync(SiloArgs(common), Ct));
            await nodes["silo-2"].DisposeAsync();
            await nodes["silo-3"].DisposeAsync();
            nodes["silo-2"] = restarted[0];
            nodes["silo-3"] = restarted[1];
            await WaitUntil.TrueAsync(
                async () => await db.ScalarAsync<long>(
                    "SELECT count(*) FROM orleans_membership WHERE deployment_id = @c AND status = 3",
                    new Dictionary<string, object?> { ["c"] = clusterId }, Ct) == 3,
                TimeSpan.FromSeconds(120), () => "three active silos in the membership table", Ct, TimeSpan.FromMilliseconds(200));
            var wholeAfter = clock.Elapsed - restartAt;

            // The load goes on until the whole cluster has served a steady stream again (requests that were parked on the
            // killed silo first run into their timeout), then a little longer.
            await WaitUntil.TrueAsync(() => run.SucceededAfter(restartAt + wholeAfter) >= ServedAfterWhole, TimeSpan.FromSeconds(120),
                () => $"{ServedAfterWhole} calls served after the cluster was whole", Ct);
            await Task.Delay(LoadAfterWhole, Ct);
            await stop.CancelAsync();
            await load;

            // Every acknowledged call chained exactly once: read the chain until it holds them all, or the deadline passes.
            var acknowledged = run.AcknowledgedEventIds;
            var chained = new List<QuantaSeal.Crypto.Audit.AuditRecord>();
            int lostEvents = 0, lostChanges = 0;
            var caughtUp = Stopwatch.StartNew();
            do
            {
                chained.Clear();
                await foreach (var e in sdks[1].EnumerateAuditEventsAsync(cancellationToken: Ct))
                {
                    chained.Add(e);
                }

                var ids = chained.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
                var changed = chained.Where(e => e.Outcome == "success").Select(e => (e.Action, e.ObjectId)).ToHashSet();
                lostEvents = acknowledged.Count(id => !ids.Contains(id));
                lostChanges = run.AcknowledgedChanges.Count(c => !changed.Contains((c.Action, c.ObjectId)));
                if (lostEvents + lostChanges > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), Ct);
                }
            }
            while (lostEvents + lostChanges > 0 && caughtUp.Elapsed < TimeSpan.FromSeconds(60));

            var duplicates = chained.Count - chained.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count();
            var verification = await sdks[0].VerifyAuditChainAsync(Ct);
            var deadLetters = await db.ScalarAsync<long>("SELECT count(*) FROM audit_queue_dead_letters", cancellationToken: Ct);

            // Every credential and integration made during the run still works, through both front doors.
            var broken = new List<string>();
            foreach (var integrationId in run.Integrations)
            {
                foreach (var sdk in sdks)
                {
                    var answer = await sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);
                    if (!answer.Success || answer.Envelope is null || !opener.DecryptString(answer.Envelope).StartsWith('['))
                    {
                        broken.Add($"{integrationId}: {answer.StatusCode} {answer.ErrorType}");
                    }
                }
            }

            TestContext.Current.TestOutputHelper?.WriteLine(run.Report(killedAt, stoppedAt, stopExit, restartAt, wholeAfter, chained.Count, lostEvents + lostChanges, duplicates, deadLetters, broken.Count));

            Assert.Equal(0, stopExit);
            Assert.True(run.Succeeded > 0 && run.SucceededAfter(restartAt + wholeAfter) > 0, "load succeeded before the faults and after the cluster was whole again");
            Assert.Equal(0, lostEvents);
            Assert.Equal(0, lostChanges);
            Assert.Equal(0, duplicates);
            Assert.Equal(0L, deadLetters);
            Assert.True(verification.Valid, "the chain verifies");
            Assert.Empty(broken);
            Assert.True(run.Integrations.Count > 1, "admin traffic created integrations during the run");
        }
        finally
        {
            foreach (var node in nodes.Values)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static string[] SiloArgs(string[] common) =>
    [
        .. common, "--role", "silo",
        "--silo-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        "--gateway-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
    ];

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// The traffic: two proxy workers per front door (reads through a random integration of the run) and one admin
    /// worker per front door (seal a credential, integrate it). Each answer is filed under the second it came back in.
    /// </summary>
    private sealed class LoadRun(QuantaSealClient[] sdks, Auth0Emulator auth0)
    {
        private readonly ConcurrentBag<string> _acknowledged = [];
        private readonly ConcurrentBag<(string Action, string ObjectId)> _changes = [];
        private readonly ConcurrentDictionary<int, (int Ok, int Failed)> _perSecond = new();
        private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
        private readonly List<string> _integrations = [];
        private int _sent;

        public IReadOnlyCollection<string> AcknowledgedEventIds => _acknowledged;

        public IReadOnlyCollection<(string Action, string ObjectId)> AcknowledgedChanges => _changes;

        public IReadOnlyList<string> Integrations
        {
            get
            {
                lock (_integrations)
                {
                    return [.. _integrations];
                }
            }
        }

        public int Succeeded => _perSecond.Values.Sum(v => v.Ok);

        public int SucceededAfter(TimeSpan at) => _perSecond.Where(p => p.Key >= (int)at.TotalSeconds).Sum(p => p.Value.Ok);

        public async Task AddIntegrationAsync(QuantaSealClient sdk, CancellationToken cancellationToken)
        {
            // Each step is recorded as soon as it is acknowledged: a silo may be killed between the two.
            var credentialId = await sdk.SealAuth0ClientAsync(auth0, cancellationToken);
            _changes.Add(("vault.seal", credentialId));
            var integrationId = await sdk.CreateAuth0IntegrationAsync(auth0, "cluster", credentialId, ["get_users"], cancellationToken);
            _changes.Add(("integration.create", integrationId));
            lock (_integrations)
            {
                _integrations.Add(integrationId);
            }
        }

        public Task RunAsync(Stopwatch clock, CancellationToken stop) =>
            Task.WhenAll(sdks.SelectMany(sdk => new[]
            {
                Worker(clock, () => ProxyAsync(sdk, stop), stop),
                Worker(clock, () => ProxyAsync(sdk, stop), stop),
                Worker(clock, async () =>
                {
                    await AddIntegrationAsync(sdk, stop);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                }, stop),
            }));

        private async Task ProxyAsync(QuantaSealClient sdk, CancellationToken stop)
        {
            var all = Integrations;
            var answer = await sdk.ProxyAsync(all[Random.Shared.Next(all.Count)], "get_users", new { per_page = 1 }, cancellationToken: stop);
            if (!answer.Success || answer.AuditEventId is null)
            {
                throw new InvalidOperationException($"proxy answered {answer.StatusCode} {answer.ErrorType}");
            }

            _acknowledged.Add(answer.AuditEventId);
        }

        private async Task Worker(Stopwatch clock, Func<Task> call, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _sent);
                try
                {
                    await call();
                    _perSecond.AddOrUpdate((int)clock.Elapsed.TotalSeconds, (1, 0), (_, v) => (v.Ok + 1, v.Failed));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    Interlocked.Decrement(ref _sent); // cut off by the end of the run, not by the cluster
                }
                catch (Exception ex) when (ex is QuantaSealApiException or HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    var second = (int)clock.Elapsed.TotalSeconds;
                    _perSecond.AddOrUpdate(second, (0, 1), (_, v) => (v.Ok, v.Failed + 1));
                    var kind = ex is QuantaSealApiException api ? ((int)api.StatusCode).ToString(CultureInfo.InvariantCulture) : ex.GetType().Name;
                    _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                }
            }
        }

        public string Report(TimeSpan killedAt, TimeSpan stoppedAt, int stopExit, TimeSpan restartAt, TimeSpan wholeAfter, int chained, int lost, int duplicates, long deadLetters, int broken)
        {
            var failedSeconds = _perSecond.Where(p => p.Value.Failed > 0).OrderBy(p => p.Key).Select(p => $"{p.Key}s: {p.Value.Failed}");
            var report = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"cluster process test: 3 silos + 2 front doors, silo-2 SIGKILL at {killedAt.TotalSeconds:F1} s, silo-3 SIGTERM at {stoppedAt.TotalSeconds:F1} s (exit {stopExit}), both restarted at {restartAt.TotalSeconds:F1} s")
                .AppendLine(CultureInfo.InvariantCulture, $"requests sent {_sent}, succeeded {Succeeded}, failed {_perSecond.Values.Sum(v => v.Failed)} (by kind: {string.Join(", ", _failures.Select(f => $"{f.Key} x{f.Value}"))})")
                .AppendLine(CultureInfo.InvariantCulture, $"failures by second: {string.Join(", ", failedSeconds)}")
                .AppendLine(CultureInfo.InvariantCulture, $"audit: acknowledged {_acknowledged.Count} proxy events + {_changes.Count} changes, chain holds {chained} events, lost {lost}, duplicates chained {duplicates}, dead letters {deadLetters}")
                .AppendLine(CultureInfo.InvariantCulture, $"integrations {Integrations.Count}, not working afterwards {broken}; cluster whole {wholeAfter.TotalSeconds:F1} s after the restart began");
            return report.ToString();
        }
    }
}
