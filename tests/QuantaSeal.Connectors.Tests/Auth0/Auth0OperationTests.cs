using System.Text;
using System.Text.Json;
using QuantaSeal.Emulators.Auth0;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>Every Auth0 operation through the connector against the emulator.</summary>
public sealed class Auth0OperationTests : IAsyncLifetime
{
    private Auth0TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await Auth0TestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUsers_PagesPastTheFirstPage()
    {
        var first = await _host.ExecuteAsync("get_users", """{"per_page":100,"page":0}""");
        var second = await _host.ExecuteAsync("get_users", """{"per_page":100,"page":1}""");

        Assert.Equal(UpstreamOutcome.Success, first.Outcome);
        Assert.Equal(100, Auth0TestHost.Body(first).GetArrayLength());
        Assert.Equal(20, Auth0TestHost.Body(second).GetArrayLength());
        Assert.Equal([new("per_page", "100"), new("page", "1")], _host.LastManagementRequest().QueryParameters);
        var ids = Auth0TestHost.Body(first).EnumerateArray().Concat(Auth0TestHost.Body(second).EnumerateArray())
            .Select(u => u.GetProperty("user_id").GetString()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(120, ids.Count);
    }

    [Fact]
    public async Task GetUsers_WithIncludeTotals_WrapsTheListWithTotals()
    {
        var response = await _host.ExecuteAsync("get_users", """{"per_page":50,"page":2,"include_totals":true}""");

        var body = Auth0TestHost.Body(response);
        Assert.Equal(100, body.GetProperty("start").GetInt32());
        Assert.Equal(50, body.GetProperty("limit").GetInt32());
        Assert.Equal(20, body.GetProperty("length").GetInt32());
        Assert.Equal(120, body.GetProperty("total").GetInt32());
        Assert.Equal(20, body.GetProperty("users").GetArrayLength());
    }

    [Fact]
    public async Task GetUsers_SearchesWithTheSeedPayload_AndSendsSearchEngineV3()
    {
        var response = await _host.ExecuteAsync("get_users", """{"q":"email:*@acme.example","fields":"user_id,email,last_login","per_page":20,"page":0}""");

        var user = Assert.Single(Auth0TestHost.Body(response).EnumerateArray());
        Assert.Equal("jane.doe@acme.example", user.GetProperty("email").GetString());
        Assert.Equal(["email", "last_login", "user_id"], user.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var query = _host.LastManagementRequest().QueryParameters;
        Assert.Contains(new KeyValuePair<string, string>("search_engine", "v3"), query);
        Assert.Contains(new KeyValuePair<string, string>("q", "email:*@acme.example"), query);
    }

    [Fact]
    public async Task GetUsers_PassesTheBodyThroughUntouched_IncludingFieldsNotInAnySchema()
    {
        var response = await _host.ExecuteAsync("get_users", """{"per_page":10}""");

        var raw = Encoding.UTF8.GetString(response.Body.Span);
        Assert.Contains("\"last_password_reset\"", raw, StringComparison.Ordinal);
        Assert.StartsWith("[{\"user_id\":", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUsers_SortsAsAsked()
    {
        var response = await _host.ExecuteAsync("get_users", """{"sort":"created_at:-1","per_page":3,"fields":"user_id,created_at"}""");

        var dates = Auth0TestHost.Body(response).EnumerateArray().Select(u => u.GetProperty("created_at").GetString()).ToList();
        Assert.Equal(dates.OrderDescending(StringComparer.Ordinal), dates);
    }

    [Fact]
    public async Task GetUser_EscapesTheUserIdInThePath()
    {
        const string id = "samlp|acme-saml|jane.doe@acme.example";

        var response = await _host.ExecuteAsync("get_user", $$"""{"user_id":"{{id}}"}""");

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Equal(id, Auth0TestHost.Body(response).GetProperty("user_id").GetString());
        Assert.Equal("/api/v2/users/samlp%7Cacme-saml%7Cjane.doe%40acme.example", _host.LastManagementRequest().Path);
    }

    [Fact]
    public async Task GetUser_ForADatabaseUser_SendsAuth0PipeEncoded()
    {
        var users = await _host.ExecuteAsync("get_users", """{"q":"identities.connection:\"Username-Password-Authentication\"","per_page":1,"fields":"user_id"}""");
        var id = Auth0TestHost.Body(users)[0].GetProperty("user_id").GetString()!;

        var response = await _host.ExecuteAsync("get_user", JsonSerializer.Serialize(new { user_id = id, fields = "user_id,email", include_fields = true }));

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.StartsWith("auth0|", id, StringComparison.Ordinal);
        Assert.Equal("/api/v2/users/" + id.Replace("|", "%7C", StringComparison.Ordinal), _host.LastManagementRequest().Path);
    }

    [Fact]
    public async Task GetUser_ThatDoesNotExist_IsNotFound_WithAuth0sErrorCode()
    {
        var response = await _host.ExecuteAsync("get_user", """{"user_id":"auth0|does-not-exist"}""");

        Assert.Equal(UpstreamOutcome.NotFound, response.Outcome);
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("inexistent_user", response.ErrorCode);
        Assert.Equal("Auth0 found no such resource.", response.ErrorMessage);
        Assert.Equal(404, Auth0TestHost.Body(response).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task CreateUser_Creates_AndTheUserCanBeRead()
    {
        var created = await _host.ExecuteAsync("create_user", """
            {"connection":"Username-Password-Authentication","email":"new.person@example.com","password":"correct horse battery",
             "given_name":"New","family_name":"Person","user_metadata":{"team":"blue"},"app_metadata":{"plan":"pro"}}
            """);

        Assert.Equal(UpstreamOutcome.Success, created.Outcome);
        Assert.Equal(201, created.StatusCode);
        var user = Auth0TestHost.Body(created);
        Assert.False(user.TryGetProperty("password", out _));
        var id = user.GetProperty("user_id").GetString()!;
        Assert.StartsWith("auth0|", id, StringComparison.Ordinal);
        Assert.Equal(
            ["app_metadata", "connection", "email", "family_name", "given_name", "password", "user_metadata"],
            _host.LastManagementRequest().BodyMembers.Order(StringComparer.Ordinal));

        var read = await _host.ExecuteAsync("get_user", JsonSerializer.Serialize(new { user_id = id }));
        Assert.Equal("blue", Auth0TestHost.Body(read).GetProperty("user_metadata").GetProperty("team").GetString());
    }

    [Fact]
    public async Task CreateUser_ThatExists_IsAConflict()
    {
        var response = await _host.ExecuteAsync("create_user", """{"connection":"Username-Password-Authentication","email":"user000@example.com","password":"long enough password"}""");

        Assert.Equal(UpstreamOutcome.ClientError, response.Outcome);
        Assert.Equal(409, response.StatusCode);
        Assert.Equal("auth0_idp_error", response.ErrorCode);
    }

    [Fact]
    public async Task CreateUser_RejectedUpstream_GivesOurMessage_NotAuth0s()
    {
        var response = await _host.ExecuteAsync("create_user", """{"connection":"Username-Password-Authentication","email":"weak@example.com","password":"short"}""");

        Assert.Equal(UpstreamOutcome.ClientError, response.Outcome);
        Assert.Equal("invalid_password", response.ErrorCode);
        Assert.DoesNotContain("PasswordStrengthError", response.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("PasswordStrengthError", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateUser_ChangesAttributes_MergesMetadata_AndClearsNulls()
    {
        const string id = "auth0|665000000000000000019919";

        var response = await _host.ExecuteAsync("update_user", $$$"""
            {"user_id":"{{{id}}}","changes":{"given_name":"Renamed","nickname":null,"user_metadata":{"team":"red","locale":null},"blocked":true}}
            """);

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        var user = Auth0TestHost.Body(response);
        Assert.Equal("Renamed", user.GetProperty("given_name").GetString());
        Assert.False(user.TryGetProperty("nickname", out _));
        Assert.True(user.GetProperty("blocked").GetBoolean());
        Assert.Equal("""{"team":"red"}""", user.GetProperty("user_metadata").GetRawText());
        var request = _host.LastManagementRequest();
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/api/v2/users/auth0%7C665000000000000000019919", request.Path);
        Assert.Equal(["blocked", "given_name", "nickname", "user_metadata"], request.BodyMembers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UpdateUser_ThatDoesNotExist_IsNotFound()
    {
        var response = await _host.ExecuteAsync("update_user", """{"user_id":"auth0|nobody","changes":{"name":"x"}}""");

        Assert.Equal(UpstreamOutcome.NotFound, response.Outcome);
    }

    [Fact]
    public async Task DeleteUser_Deletes_AndAnswers204()
    {
        const string id = "auth0|665000000000000000019919";

        var deleted = await _host.ExecuteAsync("delete_user", $$"""{"user_id":"{{id}}"}""");
        var read = await _host.ExecuteAsync("get_user", $$"""{"user_id":"{{id}}"}""");

        Assert.Equal(UpstreamOutcome.Success, deleted.Outcome);
        Assert.Equal(204, deleted.StatusCode);
        Assert.True(deleted.Body.IsEmpty);
        Assert.Equal(UpstreamOutcome.NotFound, read.Outcome);
    }

    [Fact]
    public async Task GetLogs_ByCheckpoint_FromTheOldest_PagesThroughAllEvents()
    {
        var token = await _host.TokenForAllAsync();
        var oldest = Auth0TestHost.Body(await _host.ExecuteAsync("get_logs", """{"sort":"date:1","per_page":1}""", token))[0].GetProperty("log_id").GetString()!;
        var seen = new List<string> { oldest };
        var from = oldest;
        var calls = 0;
        while (calls++ < 10)
        {
            var page = Auth0TestHost.Body(await _host.ExecuteAsync("get_logs", JsonSerializer.Serialize(new { from, take = 100 }), token));
            if (page.GetArrayLength() == 0)
            {
                break;
            }

            seen.AddRange(page.EnumerateArray().Select(l => l.GetProperty("log_id").GetString()!));
            from = seen[^1];
        }

        Assert.Equal(250, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(250, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(new KeyValuePair<string, string>("take", "100"), _host.LastManagementRequest().QueryParameters);
    }

    [Fact]
    public async Task GetLogs_ByPage_WithTotals_AndPassesNullsThrough()
    {
        var response = await _host.ExecuteAsync("get_logs", """{"page":0,"per_page":12,"include_totals":true}""");

        var body = Auth0TestHost.Body(response);
        Assert.Equal(250, body.GetProperty("total").GetInt32());
        Assert.Equal(12, body.GetProperty("logs").GetArrayLength());
        Assert.Contains(body.GetProperty("logs").EnumerateArray(), l => l.GetProperty("description").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task GetUsersByEmail_FindsEveryAccountWithTheAddress()
    {
        var response = await _host.ExecuteAsync("get_users_by_email", """{"email":"shared.person@example.com"}""");

        Assert.Equal(2, Auth0TestHost.Body(response).GetArrayLength());
        Assert.Equal([new("email", "shared.person@example.com")], _host.LastManagementRequest().QueryParameters);
    }

    [Fact]
    public async Task GetUserLogs_ReturnsThatUsersEvents()
    {
        const string id = "auth0|665000000000000000019919";

        var response = await _host.ExecuteAsync("get_user_logs", $$"""{"user_id":"{{id}}","per_page":10,"page":0,"include_totals":true}""");

        var body = Auth0TestHost.Body(response);
        Assert.True(body.GetProperty("total").GetInt32() > 0);
        Assert.All(body.GetProperty("logs").EnumerateArray(), l => Assert.Equal(id, l.GetProperty("user_id").GetString()));
        Assert.Equal("/api/v2/users/auth0%7C665000000000000000019919/logs", _host.LastManagementRequest().Path);
    }

    [Fact]
    public async Task GetClients_ListsApplications_WithoutSecretsForATokenWithoutReadClientKeys()
    {
        var response = await _host.ExecuteAsync("get_clients", """{"include_totals":true,"per_page":5,"page":1}""");

        var body = Auth0TestHost.Body(response);
        Assert.Equal(5, body.GetProperty("start").GetInt32());
        Assert.Equal(5, body.GetProperty("clients").GetArrayLength());
        Assert.True(body.GetProperty("total").GetInt32() > 10);
        Assert.All(body.GetProperty("clients").EnumerateArray(), c => Assert.False(c.TryGetProperty("client_secret", out _)));
    }

    [Fact]
    public async Task GetClients_FiltersByAppType()
    {
        var response = await _host.ExecuteAsync("get_clients", """{"app_type":"spa","fields":"name,app_type"}""");

        Assert.All(Auth0TestHost.Body(response).EnumerateArray(), c => Assert.Equal("spa", c.GetProperty("app_type").GetString()));
    }

    [Fact]
    public async Task GetClientGrants_FiltersByAudience()
    {
        var response = await _host.ExecuteAsync("get_client_grants", JsonSerializer.Serialize(new { audience = _host.Emulator.Audience }));

        var grant = Assert.Single(Auth0TestHost.Body(response).EnumerateArray());
        Assert.Equal(_host.Emulator.ClientId, grant.GetProperty("client_id").GetString());
        Assert.Contains("read:users", grant.GetProperty("scope").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task GetResourceServers_SendsIdentifiersAsARepeatedParameter()
    {
        var response = await _host.ExecuteAsync("get_resource_servers", JsonSerializer.Serialize(new { identifiers = new[] { _host.Emulator.Audience, "urn:acme:reports" } }));

        Assert.Equal(2, Auth0TestHost.Body(response).GetArrayLength());
        Assert.Equal(2, _host.LastManagementRequest().QueryParameters.Count(p => p.Key == "identifiers"));
    }

    [Fact]
    public async Task GetRoles_FiltersByName_AndPages()
    {
        var all = await _host.ExecuteAsync("get_roles", """{"name_filter":"reader","per_page":10,"page":2,"include_totals":true}""");

        var body = Auth0TestHost.Body(all);
        Assert.Equal(27, body.GetProperty("total").GetInt32());
        Assert.Equal(7, body.GetProperty("roles").GetArrayLength());
    }

    [Fact]
    public async Task GetConnections_FiltersByStrategies()
    {
        var response = await _host.ExecuteAsync("get_connections", """{"strategy":["auth0","samlp"],"fields":"name,strategy"}""");

        Assert.Equal(["Username-Password-Authentication", "acme-saml"],
            Auth0TestHost.Body(response).EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetActions_PagesWithAuth0sActionEnvelope()
    {
        var response = await _host.ExecuteAsync("get_actions", """{"per_page":10,"page":2}""");
        var postLogin = await _host.ExecuteAsync("get_actions", """{"triggerId":"post-login"}""");

        var body = Auth0TestHost.Body(response);
        Assert.Equal(25, body.GetProperty("total").GetInt32());
        Assert.Equal(2, body.GetProperty("page").GetInt32());
        Assert.Equal(10, body.GetProperty("per_page").GetInt32());
        Assert.Equal(5, body.GetProperty("actions").GetArrayLength());
        Assert.Equal(5, Auth0TestHost.Body(postLogin).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Execute_SurfacesTheRateLimitHeaders()
    {
        var response = await _host.ExecuteAsync("get_roles", "{}");

        Assert.NotNull(response.RateLimit);
        Assert.Equal(50, response.RateLimit.Limit);
        Assert.InRange(response.RateLimit.Remaining!.Value, 0, 49);
        Assert.InRange(response.RateLimit.ResetAt!.Value, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Null(response.RetryAfter);
    }

    [Fact]
    public async Task Execute_SendsTheBearerToken_AndTheEmulatorSeesWhichOne()
    {
        var token = await _host.TokenAsync("get_roles");

        await _host.ExecuteAsync("get_roles", "{}", token);

        Assert.NotNull(_host.LastManagementRequest().TokenId);
        Assert.StartsWith("tok_", _host.LastManagementRequest().TokenId, StringComparison.Ordinal);
    }
}
