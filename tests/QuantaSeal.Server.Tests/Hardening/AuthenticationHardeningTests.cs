using System.Net;
using System.Text;
using System.Text.Json;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>
/// Issue 13 findings 2, 6 (failed operator authentication) and 7 (recovery), through the real front door. The
/// failed-authentication budget is set low here (burst 5, refilled once an hour) so the limit is reached by a handful of requests.
/// </summary>
public sealed class AuthenticationHardeningTests() : ServerPerTest(new Dictionary<string, string?>
{
    ["QuantaSeal:RateLimit:FailedAuthPerSecond"] = "1",
    ["QuantaSeal:RateLimit:FailedAuthBurst"] = "5",

    // One token an hour: the test never sees a refill, however slow the machine.
    ["QuantaSeal:RateLimit:Period"] = "01:00:00",
})
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A well-formed key whose id exists nowhere.</summary>
    private static string RandomKey() => QuantaSeal.Grains.Security.ApiKeyFormat.Generate("live").Key;

    private IEnumerable<string> Rejections => Server.Logs.Lines.Where(l => l.Contains("API key rejected", StringComparison.Ordinal));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey = null, string? operatorKey = null, string? json = null)
    {
        using var http = Server.Http();
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }

        if (operatorKey is not null)
        {
            request.Headers.Add("X-Operator-Key", operatorKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task HealthChecks_WithMadeUpKeys_NeverLookAKeyUp()
    {
        for (var i = 0; i < 50; i++)
        {
            using var response = await SendAsync(HttpMethod.Get, "/healthz", apiKey: RandomKey());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Empty(Rejections);
    }

    [Fact]
    public async Task MadeUpKeys_FromOneAddress_AreThrottledWith429AndRetryAfter_BeforeAnyLookup()
    {
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        string? type = null;
        for (var i = 0; i < 12; i++)
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/v2/tenant", apiKey: RandomKey());
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                retryAfter ??= response.Headers.RetryAfter?.ToString();
                type ??= JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("type").GetString();
            }
        }

        var rejected = Rejections.Count();

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.NotNull(retryAfter);
        Assert.Equal("https://quantaseal.dev/problems/rate-limited", type);
        Assert.Equal(5, rejected);
        Assert.All(Rejections, l => Assert.StartsWith("Debug ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongOperatorKeys_AreCountedLogged_AndThrottled()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/v2/tenants", operatorKey: "qs_op_wrong-" + i, json: "{\"name\":\"x\"}");
            statuses.Add(response.StatusCode);
        }

        using var evenTheRightKey = await SendAsync(HttpMethod.Post, "/api/v2/tenants", operatorKey: Server.OperatorKey, json: "{\"name\":\"x\"}");

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, evenTheRightKey.StatusCode);
        Assert.Contains(Server.Logs.Lines, l => l.Contains("Operator authentication refused", StringComparison.Ordinal));
        Assert.DoesNotContain(Server.Logs.Lines, l => l.Contains("qs_op_wrong", StringComparison.Ordinal));
    }
    [Fact]
    public async Task OperatorRecovery_IssuesAWorkingAdminKey_AndRecordsItInTheTenantsChain()
    {
        var tenant = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "locked-out", cancellationToken: Ct);

        using var refused = await SendAsync(HttpMethod.Post, $"/api/v2/tenants/{tenant.TenantId}/recovery-admin-key", operatorKey: "qs_op_not-the-key", json: "{}");
        var recovered = await Server.Sdk(null).RecoverAdminKeyAsync(Server.OperatorKey, tenant.TenantId, cancellationToken: Ct);
        using var withNewKey = await SendAsync(HttpMethod.Get, "/api/v2/tenant/api-keys", apiKey: recovered.ApiKey);
        var events = await new QuantaSeal.Server.Tests.Audit.AuditTrail(Server).SettledAsync(tenant.TenantId, recovered.ApiKey, 4, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNewKey.StatusCode);
        var intent = Assert.Single(events, e => e.Action == "api_key.recover" && e.Outcome == "attempted");
        var recovery = Assert.Single(events, e => e.Action == "api_key.recover" && e.Outcome == "success");
        Assert.Equal(intent.EventId, recovery.AttemptEventId);
        Assert.Equal("operator", recovery.Actor);
        Assert.Equal(recovered.ApiKeyId, recovery.ObjectId);
        Assert.Equal(2, events.Count(e => e.Action == "api_key.recover"));
    }

    [Theory]
    [InlineData("""{"name":"  "}""", "name")]
    [InlineData("""{"name":"rescue","environment":"prod"}""", "environment")]
    public async Task OperatorRecovery_WithABadNameOrEnvironment_Is400_AndRecordsOneDeniedEvent_AndIssuesNoKey(string json, string field)
    {
        var tenant = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "locked-out", cancellationToken: Ct);
        var trail = new QuantaSeal.Server.Tests.Audit.AuditTrail(Server);
        var before = await trail.SettledAsync(tenant.TenantId, tenant.ApiKey, 1, Ct);

        using var refused = await SendAsync(HttpMethod.Post, $"/api/v2/tenants/{tenant.TenantId}/recovery-admin-key", operatorKey: Server.OperatorKey, json: json);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;
        var denied = await trail.SingleNewAsync(tenant.TenantId, tenant.ApiKey, before, Ct);
        var keys = await Server.Sdk(tenant.ApiKey).ListApiKeysAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(("api_key.recover", "denied", "operator"), (denied.Action, denied.Outcome, denied.Actor));
        Assert.Null(denied.ObjectId);
        Assert.Equal(tenant.ApiKeyId, Assert.Single(keys).ApiKeyId);
    }

    [Fact]
    public async Task RevokingTheLastAdminKey_Is400_AndTheKeyKeepsWorking()
    {
        var tenant = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "careful", cancellationToken: Ct);

        using var revoke = await SendAsync(HttpMethod.Delete, $"/api/v2/tenant/api-keys/{tenant.ApiKeyId}", apiKey: tenant.ApiKey);
        var problem = JsonDocument.Parse(await revoke.Content.ReadAsStringAsync(Ct)).RootElement;
        using var stillWorks = await SendAsync(HttpMethod.Get, "/api/v2/tenant", apiKey: tenant.ApiKey);

        Assert.Equal(HttpStatusCode.BadRequest, revoke.StatusCode);
        Assert.Equal("api_key_id", problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }
}
