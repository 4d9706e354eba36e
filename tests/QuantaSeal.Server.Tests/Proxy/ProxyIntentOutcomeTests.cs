using System.Net;
using System.Text.Json;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Audit;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>
/// A server whose proxied calls have a short time budget (<c>QuantaSeal:Upstream:CallBudget</c> = 5 s) and its own
/// Auth0 emulator, whose latency and stalled bodies the tests change.
/// </summary>
public sealed class ProxyBudgetFixture() : EmulatorServerFixture(new Dictionary<string, string?>
{
    ["QuantaSeal:Upstream:AttemptTimeout"] = "00:00:10",
    ["QuantaSeal:Upstream:TotalTimeout"] = "00:00:20",
    ["QuantaSeal:Upstream:CallBudget"] = "00:00:05",
});

/// <summary>
/// DESIGN §7, no side effect without its event, and one time budget below the grain-call limit: a proxied write
/// records its intent (<c>attempted</c>) before the upstream sees it and its outcome, linked by
/// <c>attempt_event_id</c>, whatever the caller does; a slow upstream answers 504 with the call's event id, and the
/// chain holds exactly the events of the call.
/// </summary>
public sealed class ProxyIntentOutcomeTests(ProxyBudgetFixture fixture) : IClassFixture<ProxyBudgetFixture>
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_ClientDisconnectsWhileTheUpstreamRuns_TheChainHoldsItsIntentAndItsOutcome()
    {
        var (session, integrationId) = await IntegrationAsync();
        var trail = new AuditTrail(fixture.Server);
        var before = await trail.ReadAsync(session.Tenant.TenantId, session.Tenant.ApiKey, Ct);
        fixture.Auth0.ClearRequests();
        fixture.Auth0.Latency = TimeSpan.FromSeconds(30);
        try
        {
            // Act: send a delete, wait until the emulator holds it, then hang up (curl -m 1).
            using var client = fixture.Server.Http();
            using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var call = client.SendProxyAsync(session.Tenant.ApiKey, integrationId, "delete_user", new { user_id = "auth0|gone" }, hangUp.Token);
            await WaitUntilAsync(() => fixture.Auth0.Requests.Any(r => r.Method == "DELETE"));
            await hangUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

            // Assert: the intent and its outcome, linked, and nothing else.
            var added = await WaitForNewAsync(trail, session, before, 2);
            Assert.True(added.Count == 2, string.Join("; ", added));
            var intent = Assert.Single(added, e => e.Outcome == AuditOutcomes.Attempted);
            var outcome = Assert.Single(added, e => e.Outcome != AuditOutcomes.Attempted);
            Assert.Equal(2, added.Count);
            Assert.All(added, e => Assert.Equal(("proxy.outbound", "delete_user", integrationId), (e.Action, e.Operation, e.IntegrationId)));
            Assert.NotNull(intent.RequestSha256);
            Assert.Equal(intent.RequestSha256, outcome.RequestSha256);
            Assert.Equal(intent.EventId, outcome.AttemptEventId);
            Assert.Equal(AuditOutcomes.Cancelled, outcome.Outcome);
        }
        finally
        {
            fixture.Auth0.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task SlowBody_Answers504WithTheEventId_AndTheChainHoldsExactlyThatEvent()
    {
        var (session, integrationId) = await IntegrationAsync();
        var trail = new AuditTrail(fixture.Server);
        var before = await trail.ReadAsync(session.Tenant.TenantId, session.Tenant.ApiKey, Ct);
        var abandonedBefore = fixture.Auth0.StalledAbandoned;
        fixture.Auth0.StallBody = true;
        HttpResponseMessage response;
        try
        {
            using var client = fixture.Server.Http();
            response = await client.SendProxyAsync(session.Tenant.ApiKey, integrationId, "get_users", new { per_page = 1 }, Ct);
        }
        finally
        {
            fixture.Auth0.StallBody = false;
        }

        using (response)
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var eventId = body.GetProperty("audit_event_id").GetString();

            // The stalled upstream call was abandoned by the grain (no work left that could audit later), then a
            // marker call's event shows the chain has caught up: the slow call left exactly its one event.
            await WaitUntilAsync(() => fixture.Auth0.StalledAbandoned > abandonedBefore);
            using var client = fixture.Server.Http();
            using var marker = await client.SendProxyAsync(session.Tenant.ApiKey, integrationId, "get_users", new { per_page = 1 }, Ct);
            Assert.Equal(HttpStatusCode.OK, marker.StatusCode);
            var added = await WaitForNewAsync(trail, session, before, 2);
            var slow = Assert.Single(added, e => e.EventId == eventId);
            Assert.Equal(AuditOutcomes.Timeout, slow.Outcome);
            Assert.Equal(2, added.Count);
        }
    }

    private async Task<(TenantSession Session, string IntegrationId)> IntegrationAsync()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var (_, integrationId) = await session.Sdk.AddAuth0IntegrationAsync(fixture.Auth0, "budget", ["get_users", "delete_user"], Ct);

        // Warm the token so the calls under test only wait on the management call.
        var warm = await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);
        Assert.True(warm.Success, $"Warm-up: {warm.StatusCode} {warm.ErrorType} {warm.ErrorMessage}");

        // The warm-up's event is chained before a test reads the chain, so it never counts as the test's own.
        var trail = new AuditTrail(fixture.Server);
        await WaitUntilAsync(async () => (await trail.ReadAsync(session.Tenant.TenantId, session.Tenant.ApiKey, Ct)).Any(e => e.EventId == warm.AuditEventId));
        return (session, integrationId);
    }

    private static async Task<IReadOnlyList<AuditRecord>> WaitForNewAsync(AuditTrail trail, TenantSession session, IReadOnlyList<AuditRecord> before, int count)
    {
        IReadOnlyList<AuditRecord> added = [];
        await WaitUntilAsync(async () => (added = await trail.NewSinceAsync(session.Tenant.TenantId, session.Tenant.ApiKey, before, Ct)).Count >= count);
        return added;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static Task WaitUntilAsync(Func<Task<bool>> condition) =>
        WaitUntil.TrueAsync(condition, WaitLimit, () => "the condition did not hold", Ct);
}
