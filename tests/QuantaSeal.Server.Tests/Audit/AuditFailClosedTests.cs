using System.Diagnostics;
using System.Net;
using System.Text;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;
using static QuantaSeal.Server.Tests.Audit.AuditDurabilityHarness;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// DESIGN §7 "Fail closed: an action whose event cannot be durably enqueued is refused (503) and returns no data",
/// with the audit store really unreachable: the server process reaches PostgreSQL only through a relay that the test
/// cuts, so every layer (Npgsql pools and timeouts, the Orleans stream provider, the publisher, the exception mapping)
/// is the production one. Once the relay is reopened the same process serves again, without a restart.
/// </summary>
public sealed class AuditFailClosedTests
{
    private const string AuditUnavailable = "https://quantaseal.dev/problems/audit-unavailable";

    /// <summary>Calls made while the database is unreachable: a concurrent burst, then a second round on broken pools.</summary>
    private const int EchoesPerRound = 4;

    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// How long a refusal may take. Refused connections fail in milliseconds. A silent database is bounded by the
    /// stream provider's Npgsql limits (AuditStreamSettings: connect 3 s, command 3 s, no wait for the cancel request):
    /// about 3 s on a new connection and 6 s on a pooled one; the rest is slack for a loaded two-core machine.
    /// A publish waits for its tenant's writer (StreamAuditPublisher: one in flight, up to 64 events each), so in a burst
    /// some calls wait out one failed write, which then refuses every publish waiting behind it.
    /// </summary>
    private static TimeSpan RefusalBound(string mode) => mode == "refuse" ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("refuse")]
    [InlineData("partition")]
    public async Task AuditStoreUnreachable_RefusesAuditedCallsWith503AndNoData_ThenServesAgainWithoutRestart(string mode)
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        await using var relay = PostgresRelay.InFrontOf(db.ConnectionString);
        await using var auth0 = await Auth0Emulator.StartAsync(cancellationToken: Ct);
        var dir = Directory.CreateTempSubdirectory("qs-audit-cut-").FullName;
        await using var server = await ServerProcess.StartAsync(PostgresArgs(relay.Route(db.ConnectionString), dir, "--upstream-allow", "http://127.0.0.1:*"), Ct);
        using var recipient = MlKem768KeyPair.Generate();
        using var http = server.Http();

        // Arrange: a tenant whose grains are all active and whose every path has worked once.
        var tenant = await server.Sdk(null).CreateTenantAsync(await OperatorKeyAsync(dir, Ct), "fail-closed", cancellationToken: Ct);
        var admin = server.Sdk(tenant.ApiKey);
        await admin.RegisterRecipientKeyAsync(recipient, "fail-closed", Ct);
        var worker = await admin.CreateApiKeyAsync("worker", ["proxy"], cancellationToken: Ct);
        var credential = await admin.SealCredentialAsync("oauth2_client", new
        {
            client_id = auth0.ClientId,
            client_secret = auth0.ClientSecret,
            audience = auth0.Audience,
        }, cancellationToken: Ct);
        var integration = await admin.CreateIntegrationAsync("auth0", "fail-closed", auth0.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["get_users"], Ct);
        var acknowledged = new List<string>();
        foreach (var warmUp in new[] { await EchoAsync(http, worker.ApiKey, 0, Ct), await ProxyAsync(http, worker.ApiKey, integration.IntegrationId) })
        {
            Assert.True(warmUp.Succeeded, $"Before the cut: {warmUp}");
            acknowledged.Add(warmUp.AuditEventId!);
        }

        // Nothing may be in flight between the silo and PostgreSQL at the cut: every acknowledged event is chained and
        // the queue is empty first, so what the test counts afterwards is only what the cut did.
        var warm = await WaitForChainAsync(
            admin,
            async events => acknowledged.All(id => events.Exists(e => e.EventId == id)) && await AuditStreamDiagnostics.CountPendingAsync(db.ConnectionString, Ct) == 0,
            RecoveryTimeout,
            Ct);
        Assert.True(warm.Done, "The warm-up events were not chained.");

        // Act 1: cut the database off and call.
        var connectionsBefore = relay.Accepted;
        relay.Set(mode == "refuse" ? PostgresRelay.RelayMode.Refuse : PostgresRelay.RelayMode.Partition);
        var clock = Stopwatch.StartNew();
        var burst = await Task.WhenAll(
            Enumerable.Range(1, EchoesPerRound).Select(n => EchoAsync(http, worker.ApiKey, n, Ct))
                .Append(ProxyAsync(http, worker.ApiKey, integration.IntegrationId)));
        var second = new List<CallResult>();
        for (var n = 0; n < EchoesPerRound; n++)
        {
            second.Add(await EchoAsync(http, worker.ApiKey, 100 + n, Ct));
        }

        var outage = clock.Elapsed;
        var refusals = burst.Concat(second).ToList();

        // Act 2: reopen; the same process must serve again once its pools have new connections.
        relay.Set(PostgresRelay.RelayMode.Open);
        clock.Restart();
        var refusedWhileRecovering = 0;
        CallResult? firstSuccess = null;
        while (clock.Elapsed < RecoveryTimeout)
        {
            var attempt = await EchoAsync(http, worker.ApiKey, 1000 + refusedWhileRecovering, Ct);
            if (attempt.Succeeded)
            {
                firstSuccess = attempt;
                break;
            }

            Assert.True(attempt.Status == HttpStatusCode.ServiceUnavailable, $"While recovering: {attempt}");
            refusedWhileRecovering++;
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }

        var recovery = clock.Elapsed;
        Assert.True(firstSuccess is not null, $"No echo succeeded within {RecoveryTimeout.TotalSeconds:F0} s of reopening the database.\n{server.Output}");
        acknowledged.Add(firstSuccess.AuditEventId!);
        var after = new List<CallResult> { await ProxyAsync(http, worker.ApiKey, integration.IntegrationId) };
        for (var n = 0; n < EchoesPerRound; n++)
        {
            after.Add(await EchoAsync(http, worker.ApiKey, 2000 + n, Ct));
        }

        Assert.All(after, r => Assert.True(r.Succeeded, $"After recovery: {r}"));
        acknowledged.AddRange(after.Select(r => r.AuditEventId!));

        // The chain: every acknowledged event once, no refused one, and the queue drained so nothing is still on its way.
        var (chain, done, waited, readsRefused) = await WaitForChainAsync(
            admin,
            async events =>
                acknowledged.All(id => events.Exists(e => e.EventId == id))
                && await AuditStreamDiagnostics.CountPendingAsync(db.ConnectionString, Ct) == 0,
            RecoveryTimeout,
            Ct);
        var workerEvents = chain.Where(e => e.Actor == worker.ApiKeyId).Select(e => e.EventId).ToList();

        Report($"audit store {mode}: {refusals.Count} calls refused in {outage.TotalMilliseconds:F0} ms "
            + $"(echo {string.Join("/", burst[..^1].Concat(second).Select(r => r.Elapsed.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms, "
            + $"proxy {burst[^1].Elapsed.TotalMilliseconds:F0} ms), types {string.Join(", ", refusals.Select(r => r.ProblemType).Distinct())}; "
            + $"{relay.Accepted - connectionsBefore} connection attempts through the relay since the cut; "
            + $"first success {recovery.TotalMilliseconds:F0} ms after reopening ({refusedWhileRecovering} refused meanwhile); "
            + $"acknowledged {acknowledged.Count}, chained by the worker key {workerEvents.Count}, chain {chain.Count} events, settled in {waited.TotalSeconds:F1} s "
            + $"({readsRefused.Count} chain reads answered 503 meanwhile: {string.Join(" | ", readsRefused.Distinct())}).");

        // Assert: each refusal is a 503 audit-unavailable problem, bounded in time, with nothing of the action in it.
        Assert.All(refusals, r => AssertRefusedWithoutData(r, RefusalBound(mode)));
        Assert.True(done, $"The chain did not settle with every acknowledged event within {RecoveryTimeout.TotalSeconds:F0} s.\n{server.Output}");
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), workerEvents.Order(StringComparer.Ordinal));
        AssertGaplessAndUnique(chain);
        await AssertChainVerifiesAsync(admin, tenant.TenantId, chain, Ct);
    }

    /// <summary>
    /// 503 with <c>audit-unavailable</c>: the publisher's <c>AuditStreamUnavailableException</c> (the enqueue failed, so
    /// no id exists that could be handed out), not the generic <c>service-unavailable</c> of an Orleans or timeout
    /// failure, which would mean something other than the audit write broke first. No envelope, no event id, no
    /// upstream data, and a Retry-After.
    /// </summary>
    private static void AssertRefusedWithoutData(CallResult result, TimeSpan bound)
    {
        Assert.True(result.Status == HttpStatusCode.ServiceUnavailable, $"Expected 503 while the audit store is unreachable: {result}");
        Assert.Equal(AuditUnavailable, result.ProblemType);
        Assert.NotNull(result.RetryAfter);
        Assert.Null(result.AuditEventId);
        foreach (var member in new[] { "encrypted", "signature", "success", "data", "users", "audit_event_id" })
        {
            Assert.False(result.Has(member), $"A refusal carries '{member}': {result.Text}");
        }

        Assert.DoesNotContain("aud_", result.Text, StringComparison.Ordinal);
        Assert.True(result.Elapsed < bound, $"A refusal took {result.Elapsed.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds:F0} ms): {result}");
    }

    private static Task<CallResult> ProxyAsync(HttpClient http, string apiKey, string integrationId)
    {
        var json = "{\"integration_id\":\"" + integrationId + "\",\"operation\":\"get_users\",\"payload\":{\"per_page\":1}}";
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/proxy/outbound") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-API-Key", apiKey);
        return SendAndDisposeAsync(http, request);
    }

    private static async Task<CallResult> SendAndDisposeAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            return await SendAsync(http, request, Ct);
        }
    }
}
