using System.Net;
using System.Text.Json;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Server.Tests.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>The whole journey against the Auth0 emulator: seal, integrate, proxy through the real front door, open.</summary>
public sealed class Auth0ProxyTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static readonly string[] AllOperations =
    [
        "get_users", "get_user", "create_user", "update_user", "delete_user", "get_logs", "get_users_by_email", "get_user_logs",
        "get_clients", "get_client_grants", "get_resource_servers", "get_roles", "get_connections", "get_actions",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TenantSession Session, string IntegrationId)> IntegrationAsync(params string[] allowed)
    {
        var session = await fixture.NewTenantAsync(Ct);
        var (_, integrationId) = await session.Sdk.AddAuth0IntegrationAsync(fixture.Auth0, "acme", allowed.Length == 0 ? AllOperations : allowed, Ct);
        return (session, integrationId);
    }

    private static JsonElement Open(TenantSession session, QuantaSeal.Client.Proxy.ProxyResponse response)
    {
        Assert.NotNull(response.Envelope);
        return JsonDocument.Parse(session.Opener.DecryptString(response.Envelope!)).RootElement.Clone();
    }

    public static TheoryData<string> Operations => new(AllOperations);

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task EveryOperation_ThroughTheFrontDoor_ReturnsTheUpstreamDataInAnEnvelope(string operation)
    {
        var (session, integrationId) = await IntegrationAsync();
        var users = Open(session, await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 5 }, cancellationToken: Ct));
        var user = users.EnumerateArray().First();
        var userId = user.GetProperty("user_id").GetString()!;
        var email = user.GetProperty("email").GetString()!;
        var newEmail = $"new-{Guid.NewGuid():N}@example.com";
        object payload = operation switch
        {
            "get_users" => new { per_page = 3, include_totals = true },
            "get_user" or "delete_user" => new { user_id = userId },
            "create_user" => new { connection = "Username-Password-Authentication", email = newEmail, password = "Correct-Horse-42!" },
            "update_user" => new { user_id = userId, changes = new { name = "Renamed Through QuantaSeal" } },
            "get_logs" => new { take = 5 },
            "get_users_by_email" => new { email },
            "get_user_logs" => new { user_id = userId, per_page = 5 },
            _ => new { },
        };

        var response = await session.Sdk.ProxyAsync(integrationId, operation, payload, cancellationToken: Ct);

        Assert.True(response.Success, $"{operation}: {response.ErrorType} {response.ErrorMessage}");
        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("aud_", response.AuditEventId, StringComparison.Ordinal);
        Assert.Equal(response.AuditEventId, response.Envelope!.AuditEventId);
        var data = Open(session, response);
        var text = data.GetRawText();
        switch (operation)
        {
            case "get_users":
                Assert.Equal(3, data.GetProperty("users").GetArrayLength());
                Assert.True(data.GetProperty("total").GetInt32() >= 3);
                break;
            case "get_user":
                Assert.Equal(userId, data.GetProperty("user_id").GetString());
                break;
            case "create_user":
                Assert.Equal(newEmail, data.GetProperty("email").GetString());
                break;
            case "update_user":
                Assert.Equal("Renamed Through QuantaSeal", data.GetProperty("name").GetString());
                break;
            case "get_users_by_email":
                Assert.Contains(data.EnumerateArray(), u => u.GetProperty("email").GetString() == email);
                break;
            case "get_logs":
                Assert.Equal(5, data.GetArrayLength());
                break;
            case "get_actions":
                Assert.True(data.TryGetProperty("actions", out _), text);
                break;
            case "delete_user":
                var gone = await session.Sdk.ProxyAsync(integrationId, "get_user", new { user_id = userId }, cancellationToken: Ct);
                Assert.False(gone.Success);
                Assert.Equal("upstream_not_found", gone.ErrorType);
                Assert.Equal(404, gone.UpstreamStatus);
                break;
            default:
                Assert.Equal(JsonValueKind.Array, data.ValueKind);
                break;
        }
    }

    [Fact]
    public async Task OperationNotAllowed_Is403_ReachesNoUpstream_AndIsAudited()
    {
        var (session, integrationId) = await IntegrationAsync("get_users");
        var before = fixture.Auth0.Requests.Count;

        var response = await session.Sdk.ProxyAsync(integrationId, "delete_user", new { user_id = "auth0|1" }, cancellationToken: Ct);

        Assert.Equal(403, response.StatusCode);
        Assert.False(response.Success);
        Assert.Equal("operation_not_allowed", response.ErrorType);
        Assert.StartsWith("aud_", response.AuditEventId, StringComparison.Ordinal);
        Assert.Null(response.Envelope);
        Assert.Equal(before, fixture.Auth0.Requests.Count);
    }

    [Theory]
    [InlineData("get_users", "{\"per_page\":1000}", "payload.per_page")]
    [InlineData("get_user", "{}", "payload.user_id")]
    [InlineData("get_users_by_email", "{\"email\":\"not-an-email\"}", "payload.email")]
    [InlineData("create_user", "{\"email\":\"x@example.com\"}", "payload.connection")]
    [InlineData("get_users", "{\"nonsense\":1}", "payload.nonsense")]
    public async Task BadPayload_Is400NamingTheField_AndCallsNoUpstream(string operation, string payload, string field)
    {
        var (session, integrationId) = await IntegrationAsync();
        var before = fixture.Auth0.Requests.Count;

        var response = await session.Sdk.ProxyAsync(integrationId, operation, JsonDocument.Parse(payload).RootElement, cancellationToken: Ct);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("invalid_payload", response.ErrorType);
        Assert.Equal(field, response.Field);
        Assert.Equal(before, fixture.Auth0.Requests.Count);
    }

    [Fact]
    public async Task UserIdsWithAPipe_AreUrlEncodedOnTheWire()
    {
        var (session, integrationId) = await IntegrationAsync();
        var users = Open(session, await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct));
        var userId = users[0].GetProperty("user_id").GetString()!;
        Assert.Contains("|", userId, StringComparison.Ordinal);
        fixture.Auth0.ClearRequests();

        var response = await session.Sdk.ProxyAsync(integrationId, "get_user", new { user_id = userId }, cancellationToken: Ct);

        Assert.True(response.Success);
        Assert.Contains(fixture.Auth0.Requests, r => r.Path.Contains("%7C", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AnotherTenant_CanNeitherUseNorSeeTheIntegrationOrCredential()
    {
        var (owner, integrationId) = await IntegrationAsync("get_users");
        var other = await fixture.NewTenantAsync(Ct);
        var before = fixture.Auth0.Requests.Count;

        var proxy = await Assert.ThrowsAsync<QuantaSeal.Client.QuantaSealApiException>(() => other.Sdk.ProxyAsync(integrationId, "get_users", new { }, cancellationToken: Ct));
        using var http = fixture.Server.Http();
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/v2/integrations/{integrationId}");
        get.Headers.Add("X-API-Key", other.Tenant.ApiKey);
        using var response = await http.SendAsync(get, Ct);

        Assert.Equal(HttpStatusCode.NotFound, proxy.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.Auth0.Requests.Count);
        Assert.True((await owner.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)).Success);
    }

    [Fact]
    public async Task RateLimited_Is429_WithRetryAfter_AndTheVendorBodyInsideTheEnvelope()
    {
        var (session, integrationId) = await IntegrationAsync("get_users");
        await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);
        fixture.Auth0.RateLimitNext(10, TimeSpan.FromSeconds(30));

        var response = await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);

        Assert.Equal(429, response.StatusCode);
        Assert.Equal("upstream_rate_limited", response.ErrorType);
        Assert.Equal(429, response.UpstreamStatus);
        Assert.Equal(429, Open(session, response).GetProperty("statusCode").GetInt32());
        fixture.Auth0.FailNext(0);
        fixture.Auth0.RateLimitNext(0, TimeSpan.Zero);
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(3 * 24 * 3600, 3600)] // a wait beyond the cap is cut to one hour
    public async Task TokenEndpointRateLimited_Is429ProblemJson_WithRetryAfter_AndNoSecretInTheBody(int upstreamWaitSeconds, int expectedRetryAfter)
    {
        // A fresh integration has no token yet: the proxy call starts at Auth0's /oauth/token, which answers 429.
        var (session, integrationId) = await IntegrationAsync("get_users");
        var trail = new AuditTrail(fixture.Server);
        var before = await trail.NewSinceAsync(session.Tenant.TenantId, session.Tenant.ApiKey, [], Ct);
        fixture.Auth0.RateLimitNext(5, TimeSpan.FromSeconds(upstreamWaitSeconds), QuantaSeal.Emulators.Auth0.Auth0FaultTarget.Token);
        fixture.Auth0.ClearRequests();
        try
        {
            using var http = fixture.Server.Http();

            using var response = await http.SendProxyAsync(session.Tenant.ApiKey, integrationId, "get_users", new { per_page = 1 }, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(expectedRetryAfter), response.Headers.RetryAfter?.Delta);
            Assert.Equal([expectedRetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture)], response.Headers.GetValues("Retry-After"));
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal("https://quantaseal.dev/problems/upstream-rate-limited", problem.GetProperty("type").GetString());
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.False(problem.GetProperty("success").GetBoolean());
            Assert.Equal("upstream_rate_limited", problem.GetProperty("error").GetProperty("type").GetString());
            Assert.Equal(429, problem.GetProperty("error").GetProperty("upstream_status").GetInt32());
            Assert.DoesNotContain(fixture.Auth0.ClientSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("access_token", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Global limit", text, StringComparison.Ordinal);
            Assert.Equal(1, fixture.Auth0.TokenRequestCount);
            Assert.Equal(0, fixture.Auth0.ManagementRequestCount);

            var audited = await trail.SingleNewAsync(session.Tenant.TenantId, session.Tenant.ApiKey, before, Ct);
            Assert.Equal(problem.GetProperty("audit_event_id").GetString(), audited.EventId);
            Assert.Equal(AuditActions.ProxyOutbound, audited.Action);
            Assert.Equal(AuditOutcomes.Failed, audited.Outcome);
            Assert.Equal(429, audited.UpstreamStatus);
        }
        finally
        {
            fixture.Auth0.RateLimitNext(0, TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task Transient5xx_OnARead_IsRetried_AndSucceeds()
    {
        var (session, integrationId) = await IntegrationAsync("get_users");
        await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);
        fixture.Auth0.FailNext(1, 503);

        var response = await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);

        Assert.True(response.Success, response.ErrorType);
    }

    [Fact]
    public async Task Transient5xx_OnAWrite_IsNotRetried()
    {
        var (session, integrationId) = await IntegrationAsync("create_user");
        await session.Sdk.ProxyAsync(integrationId, "create_user", new { connection = "Username-Password-Authentication", email = $"a-{Guid.NewGuid():N}@example.com", password = "Correct-Horse-42!" }, cancellationToken: Ct);
        fixture.Auth0.FailNext(1, 503);
        fixture.Auth0.ClearRequests();

        var response = await session.Sdk.ProxyAsync(integrationId, "create_user", new { connection = "Username-Password-Authentication", email = $"b-{Guid.NewGuid():N}@example.com", password = "Correct-Horse-42!" }, cancellationToken: Ct);

        Assert.Equal(502, response.StatusCode);
        Assert.Equal("upstream_server_error", response.ErrorType);
        Assert.Equal(1, fixture.Auth0.ManagementRequestCount);
    }

    [Fact]
    public async Task RotatedUpstreamSecret_IsRefused_UntilTheCredentialIsRotatedToo()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var client = fixture.Auth0.AddClient("rotating", ["read:users"]);
        var credential = await session.Sdk.SealCredentialAsync("oauth2_client", new { client_id = client.ClientId, client_secret = client.ClientSecret, audience = fixture.Auth0.Audience }, cancellationToken: Ct);
        var integration = await session.Sdk.CreateIntegrationAsync("auth0", "rot", fixture.Auth0.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["get_users"], Ct);
        Assert.True((await session.Sdk.ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)).Success);

        var newSecret = fixture.Auth0.RotateClientSecret(client.ClientId);
        var check = await session.Sdk.ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);
        await session.Sdk.RotateCredentialAsync(credential.CredentialId, new { client_id = client.ClientId, client_secret = newSecret, audience = fixture.Auth0.Audience }, Ct);
        var afterRotation = await session.Sdk.ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);

        // The cached token stays valid upstream after the secret changes (Auth0 tokens cannot be revoked); the
        // credential rotation drops it and the next token is requested with the new secret.
        Assert.True(check.Success);
        Assert.True(afterRotation.Success, afterRotation.ErrorType);
    }
}
