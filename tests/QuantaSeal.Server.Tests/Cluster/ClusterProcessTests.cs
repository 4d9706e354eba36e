using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using QuantaSeal.Client;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Server.Hosting;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Cluster;

/// <summary>
/// Issue 14.5: the cluster as an operator runs it. PostgreSQL, three <c>--role silo</c> processes and two
/// <c>--role frontdoor</c> processes with mutual TLS, the Auth0 emulator upstream, steady proxy and admin traffic through
/// both front doors; then one silo is SIGKILLed, another stopped gracefully, and both restarted. Every acknowledged
/// audit event must be chained exactly once, nothing dead-lettered, every integration must still work, and the
/// report (written to the test output and to artifacts/cluster-process-test.txt) says what happened in which second.
/// </summary>
public sealed class ClusterProcessTests
{
    private const int ActiveStatus = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Call(int Second, string FrontDoor, string Kind, int Status, string? AuditEventId);

    [Fact]
    public async Task Cluster_SurvivesSigkillAndGracefulStopOfSilos_LosesAndDuplicatesNoAuditEvent()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: true, Ct);
        await using var auth0 = await Auth0Emulator.StartAsync();
        var dir = Directory.CreateTempSubdirectory("qs-cluster-").FullName;
        WriteSecret(Path.Combine(dir, "operator.key"), SecretFile.NewOperatorKey());
        WriteSecret(Path.Combine(dir, "master.key"), LocalKeyWrapProvider.GenerateMasterKeyBase64());
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];

        List<string> NodeArgs(string role) =>
        [
            "--storage", "postgres", "--connection-string", db.ConnectionString, "--role", role,
            "--operator-key-file", Path.Combine(dir, "operator.key"), "--master-key-file", Path.Combine(dir, "master.key"),
            "--silo-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--upstream-allow", "http://127.0.0.1:*",
            "--QuantaSeal:ClusterId=" + clusterId,
            "--Logging:LogLevel:Default=Warning",
        ];

        var siloArgs = Enumerable.Range(0, 3).Select(_ => (Args: NodeArgs("silo"), Port: ServerProcess.FreePort())).ToArray();
        var silos = await Task.WhenAll(siloArgs.Select(s => ServerProcess.StartAsync(s.Args, Ct, s.Port)));
        var frontDoors = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ServerProcess.StartAsync(NodeArgs("frontdoor"), Ct)));
        var restarted = new List<ServerProcess>();
        var report = new StringBuilder();
        try
        {
            // A tenant with two integrations, each on its own sealed credential.
            var operatorKey = (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), Ct)).Trim();
            var tenant = await frontDoors[0].Sdk(null).CreateTenantAsync(operatorKey, "cluster", cancellationToken: Ct);
            var recipient = RecipientKey.Generate();
            await frontDoors[0].Sdk(tenant.ApiKey).RegisterRecipientKeyAsync(recipient.PublicKey, cancellationToken: Ct);
            var integrations = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                var credential = await frontDoors[i].Sdk(tenant.ApiKey).SealCredentialAsync("oauth2_client",
                    new { client_id = auth0.ClientId, client_secret = auth0.ClientSecret, audience = auth0.Audience }, cancellationToken: Ct);
                integrations.Add((await frontDoors[i].Sdk(tenant.ApiKey).CreateIntegrationAsync(
                    "auth0", "int" + i, auth0.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["get_users"], Ct)).IntegrationId);
            }

            // Steady traffic: four workers, two per front door, alternating proxy and admin calls.
            var calls = new ConcurrentQueue<Call>();
            var clock = Stopwatch.StartNew();
            using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => TrafficAsync(
                frontDoors[w % 2], "fd" + (w % 2 + 1).ToString(CultureInfo.InvariantCulture), tenant.ApiKey, integrations[w % 2], clock, calls, stopTraffic.Token))).ToArray();

            int Now() => (int)clock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(4), Ct);
            var killedAt = Now();
            await silos[0].KillAsync(Ct);
            await Task.Delay(TimeSpan.FromSeconds(4), Ct);
            var stoppedAt = Now();
            await silos[1].StopAsync(Ct);
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);

            var restartAt = clock.Elapsed;
            restarted.AddRange(await Task.WhenAll(siloArgs.Take(2).Select(s => ServerProcess.StartAsync(s.Args, Ct, s.Port))));
            await WaitUntilAsync(async () => await db.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_membership WHERE deployment_id = @d AND status = @s",
                new Dictionary<string, object?> { ["d"] = clusterId, ["s"] = ActiveStatus }, Ct) == 3, TimeSpan.FromSeconds(90));
            var whole = clock.Elapsed - restartAt;
            await Task.Delay(TimeSpan.FromSeconds(4), Ct);
            await stopTraffic.CancelAsync();
            await Task.WhenAll(workers);

            // Audit: every event id a caller was given must be in the chain once.
            var acknowledged = calls.Where(c => c.AuditEventId is not null).Select(c => c.AuditEventId!).ToHashSet(StringComparer.Ordinal);
            var admin = frontDoors[1].Sdk(tenant.ApiKey);
            List<string> chained = [];
            await WaitUntilAsync(async () =>
            {
                chained = [];
                await foreach (var e in admin.EnumerateAuditEventsAsync(cancellationToken: Ct))
                {
                    chained.Add(e.EventId);
                }

                return acknowledged.IsSubsetOf(chained);
            }, TimeSpan.FromSeconds(90));
            var lost = acknowledged.Except(chained, StringComparer.Ordinal).Count();
            var duplicates = chained.Count - chained.Distinct(StringComparer.Ordinal).Count();
            var verification = await admin.VerifyAuditChainAsync(Ct);
            var deadLetters = await db.ScalarAsync<long>("SELECT count(*) FROM audit_queue_dead_letters", cancellationToken: Ct);

            // Afterwards every integration (and so its credential) works through every front door.
            var afterwards = new List<(string FrontDoor, string Integration, bool Success)>();
            for (var f = 0; f < 2; f++)
            {
                foreach (var integration in integrations)
                {
                    var answer = await frontDoors[f].Sdk(tenant.ApiKey).ProxyAsync(integration, "get_users", new { per_page = 1 }, cancellationToken: Ct);
                    afterwards.Add(("fd" + (f + 1).ToString(CultureInfo.InvariantCulture), integration, answer.Success && answer.Envelope is not null));
                }
            }

            Report(report, calls, killedAt, stoppedAt, (int)restartAt.TotalSeconds, whole, acknowledged.Count, chained.Count, lost, duplicates, verification.Valid, deadLetters, afterwards);
            TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
            var artifacts = Path.Combine(ServerProcess.RepositoryRoot, "artifacts");
            Directory.CreateDirectory(artifacts);
            await File.WriteAllTextAsync(Path.Combine(artifacts, "cluster-process-test.txt"), report.ToString(), Ct);

            Assert.True(calls.Count(c => c.Status == 200) > 0, report.ToString());
            Assert.Equal(0, lost);
            Assert.Equal(0, duplicates);
            Assert.True(verification.Valid, verification.Problem);
            Assert.Equal(0L, deadLetters);
            Assert.All(afterwards, a => Assert.True(a.Success, $"{a.FrontDoor} {a.Integration} failed after recovery"));
        }
        finally
        {
            foreach (var process in frontDoors.Concat(silos).Concat(restarted))
            {
                await process.DisposeAsync();
            }
        }
    }

    private static async Task TrafficAsync(ServerProcess frontDoor, string name, string apiKey, string integration, Stopwatch clock, ConcurrentQueue<Call> calls, CancellationToken stop)
    {
        using var http = frontDoor.Http();
        var sdk = new QuantaSealClient(http, apiKey);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var second = (int)clock.Elapsed.TotalSeconds;
            var kind = i % 2 == 0 ? "proxy" : "admin";
            try
            {
                if (kind == "proxy")
                {
                    var answer = await sdk.ProxyAsync(integration, "get_users", new { per_page = 1 }, cancellationToken: CancellationToken.None);
                    calls.Enqueue(new Call(second, name, kind, answer.StatusCode, answer.AuditEventId));
                }
                else
                {
                    await sdk.ListApiKeysAsync(CancellationToken.None);
                    calls.Enqueue(new Call(second, name, kind, 200, null));
                }
            }
            catch (QuantaSealApiException ex)
            {
                calls.Enqueue(new Call(second, name, kind, (int)ex.StatusCode, null));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                calls.Enqueue(new Call(second, name, kind, 0, null));
            }
        }
    }

    private static void Report(
        StringBuilder report, IEnumerable<Call> calls, int killedAt, int stoppedAt, int restartAt, TimeSpan whole,
        int acknowledged, int chained, int lost, int duplicates, bool chainValid, long deadLetters,
        IReadOnlyList<(string FrontDoor, string Integration, bool Success)> afterwards)
    {
        var all = calls.ToList();
        var failed = all.Where(c => c.Status != 200).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"cluster process test: 3 silos + 2 front doors (mutual TLS), Auth0 emulator upstream");
        report.AppendLine(CultureInfo.InvariantCulture, $"events: SIGKILL silo 1 at {killedAt} s, graceful stop of silo 2 at {stoppedAt} s, both restarted at {restartAt} s");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests: sent {all.Count}, succeeded {all.Count - failed.Count}, failed {failed.Count} (proxy {all.Count(c => c.Kind == "proxy")}, admin {all.Count(c => c.Kind == "admin")})");
        foreach (var second in failed.GroupBy(c => c.Second).OrderBy(g => g.Key))
        {
            var statuses = string.Join(", ", second.GroupBy(c => c.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}x {(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))}"));
            report.AppendLine(CultureInfo.InvariantCulture, $"  failed in second {second.Key}: {statuses} (of {all.Count(c => c.Second == second.Key)} sent)");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"audit: acknowledged {acknowledged}, chained {chained}, lost {lost}, duplicates chained {duplicates}, chain verifies: {chainValid}");
        report.AppendLine(CultureInfo.InvariantCulture, $"dead letters: {deadLetters}");
        report.AppendLine(CultureInfo.InvariantCulture, $"after recovery: {afterwards.Count(a => a.Success)}/{afterwards.Count} integration x front door calls succeeded");
        report.AppendLine(CultureInfo.InvariantCulture, $"whole again (3 silos active in membership) {whole.TotalSeconds:F1} s after the restart began");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The cluster did not reach the expected state in time.");
            }

            await Task.Delay(500, Ct);
        }
    }

    private static void WriteSecret(string path, string value)
    {
        File.WriteAllText(path, value + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
