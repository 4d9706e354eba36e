using System.Net;
using System.Text.Json;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>The whole journey against the Okta emulator, with an SSWS API token and with a private_key_jwt service app.</summary>
public sealed class OktaProxyTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static readonly string[] AllOperations = ["list_users", "get_user", "create_user", "deactivate_user", "list_groups", "list_applications", "get_system_log"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TenantSession Session, string IntegrationId)> IntegrationAsync(string credentialType, params string[] allowed)
    {
        var session = await fixture.NewTenantAsync(Ct);
        object values = credentialType == "api_key"
            ? new { api_token = fixture.Okta.ApiToken }
            : new { client_id = fixture.Okta.ServiceAppClientId, private_key = fixture.Okta.ServiceAppPrivateKeyPem, key_id = fixture.Okta.ServiceAppKeyId };
        var credential = await session.Sdk.SealCredentialAsync(credentialType, values, cancellationToken: Ct);
        var integration = await session.Sdk.CreateIntegrationAsync("okta", "okta", fixture.Okta.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, allowed.Length == 0 ? AllOperations : allowed, Ct);
        return (session, integration.IntegrationId);
    }

    private static JsonElement Open(TenantSession session, QuantaSeal.Client.Proxy.ProxyResponse response)
    {
        Assert.NotNull(response.Envelope);
        return JsonDocument.Parse(session.Opener.DecryptString(response.Envelope!)).RootElement.Clone();
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var credentialType in new[] { "api_key", "private_key_jwt" })
        {
            foreach (var operation in AllOperations)
            {
                data.Add(credentialType, operation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryOperation_WithEachCredentialType_ReturnsTheUpstreamDataInAnEnvelope(string credentialType, string operation)
    {
        var (session, integrationId) = await IntegrationAsync(credentialType);
        var users = Open(session, await session.Sdk.ProxyAsync(integrationId, "list_users", new { limit = 5 }, cancellationToken: Ct));
        var userId = users[0].GetProperty("id").GetString()!;
        var login = $"new-{Guid.NewGuid():N}@example.com";
        object payload = operation switch
        {
            "list_users" or "list_groups" or "list_applications" => new { limit = 2 },
            "get_user" or "deactivate_user" => new { user_id = userId },
            "create_user" => new { profile = new { email = login, login, firstName = "Ada", lastName = "Lovelace" }, activate = true },
            "get_system_log" => new { limit = 5 },
            _ => new { },
        };

        var response = await session.Sdk.ProxyAsync(integrationId, operation, payload, cancellationToken: Ct);

        Assert.True(response.Success, $"{operation}: {response.ErrorType} {response.ErrorMessage}");
        var data = Open(session, response);
        switch (operation)
        {
            case "list_users" or "list_groups" or "list_applications":
                Assert.Equal(2, data.GetArrayLength());
                Assert.NotNull(response.NextCursor);
                break;
            case "get_user":
                Assert.Equal(userId, data.GetProperty("id").GetString());
                break;
            case "create_user":
                Assert.Equal(login, data.GetProperty("profile").GetProperty("login").GetString());
                break;
            case "get_system_log":
                Assert.Equal(JsonValueKind.Array, data.ValueKind);
                break;
        }
    }

    [Fact]
    public async Task CursorPaging_FollowsNextCursor_AcrossPages_WithoutRepeats()
    {
        var (session, integrationId) = await IntegrationAsync("api_key", "list_users");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await session.Sdk.ProxyAsync(integrationId, "list_users", cursor is null ? new { limit = 4 } : new { limit = 4, after = cursor }, cancellationToken: Ct);
            Assert.True(response.Success, response.ErrorType);
            foreach (var user in Open(session, response).EnumerateArray())
            {
                Assert.True(seen.Add(user.GetProperty("id").GetString()!), "a user appeared on two pages");
            }

            cursor = response.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 50);

        Assert.True(pages > 1);
        Assert.Null(cursor);
    }

    [Fact]
    public async Task OperationNotAllowed_Is403_AndReachesNoUpstream()
    {
        var (session, integrationId) = await IntegrationAsync("api_key", "list_users");
        var before = fixture.Okta.Requests.Count;

        var response = await session.Sdk.ProxyAsync(integrationId, "deactivate_user", new { user_id = "00u1" }, cancellationToken: Ct);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("operation_not_allowed", response.ErrorType);
        Assert.Equal(before, fixture.Okta.Requests.Count);
    }

    [Theory]
    [InlineData("list_users", "{\"limit\":500}", "payload.limit")]
    [InlineData("get_user", "{}", "payload.user_id")]
    [InlineData("create_user", "{\"profile\":{\"email\":\"a@example.com\"}}", "payload.profile.login")]
    public async Task BadPayload_Is400NamingTheField_AndCallsNoUpstream(string operation, string payload, string field)
    {
        var (session, integrationId) = await IntegrationAsync("api_key");
        var before = fixture.Okta.Requests.Count;

        var response = await session.Sdk.ProxyAsync(integrationId, operation, JsonDocument.Parse(payload).RootElement, cancellationToken: Ct);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(field, response.Field);
        Assert.Equal(before, fixture.Okta.Requests.Count);
    }

    [Fact]
    public async Task UnknownUser_Is502_WithTheOktaErrorInsideTheEnvelope()
    {
        var (session, integrationId) = await IntegrationAsync("api_key", "get_user");

        var response = await session.Sdk.ProxyAsync(integrationId, "get_user", new { user_id = "00unothere000000000" }, cancellationToken: Ct);

        Assert.Equal(502, response.StatusCode);
        Assert.Equal("upstream_not_found", response.ErrorType);
        Assert.Equal(404, response.UpstreamStatus);
        Assert.Equal("E0000007", Open(session, response).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task TokenEndpointRateLimited_WithOnlyOktasResetHeader_Is429ProblemJson_WithRetryAfter()
    {
        // A fresh service-app integration has no token yet: the call starts at /oauth2/v1/token, which answers 429
        // as Okta does (E0000047 and X-Rate-Limit-*, no Retry-After).
        var (session, integrationId) = await IntegrationAsync("private_key_jwt", "list_users");
        fixture.Okta.RateLimitNextTokenRequests(1, TimeSpan.FromSeconds(45));
        var apiRequestsBefore = fixture.Okta.ApiRequestCount;
        try
        {
            using var http = fixture.Server.Http();

            using var response = await http.SendProxyAsync(session.Tenant.ApiKey, integrationId, "list_users", new { limit = 1 }, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            // The reset is whole Unix seconds, so up to a second of it may already have passed.
            Assert.InRange(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? -1, 44, 45);
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal("upstream_rate_limited", problem.GetProperty("error").GetProperty("type").GetString());
            Assert.Equal(429, problem.GetProperty("error").GetProperty("upstream_status").GetInt32());
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Okta.ServiceAppKeyId, text, StringComparison.Ordinal);
            Assert.Equal(apiRequestsBefore, fixture.Okta.ApiRequestCount);
        }
        finally
        {
            fixture.Okta.RateLimitNextTokenRequests(0);
        }
    }

    [Fact]
    public async Task ServiceApp_TokenIsRequestedOnce_ForManyCalls()
    {
        var (session, integrationId) = await IntegrationAsync("private_key_jwt", "list_users");
        var before = fixture.Okta.TokenRequestCount;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => session.Sdk.ProxyAsync(integrationId, "list_users", new { limit = 1 }, cancellationToken: Ct)));

        Assert.All(responses, r => Assert.True(r.Success, r.ErrorType));
        Assert.InRange(fixture.Okta.TokenRequestCount - before, 1, 2);
    }

    [Fact]
    public async Task ConnectionCheck_ReportsGrantedScopes()
    {
        var (session, integrationId) = await IntegrationAsync("private_key_jwt", "list_users", "list_groups");
        using var http = fixture.Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/integrations/{integrationId}/check");
        request.Headers.Add("X-API-Key", session.Tenant.ApiKey);

        using var response = await http.SendAsync(request, Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.True(body.GetProperty("ok").GetBoolean(), body.GetRawText());
        var scopes = body.GetProperty("granted_scopes").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("okta.users.read", scopes);
        Assert.Contains("okta.groups.read", scopes);
    }
}
