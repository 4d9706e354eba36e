using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>Every Okta operation through the connector against the emulator, with an API token and with a service app.</summary>
public sealed class OktaConnectorOperationTests
{
    public static TheoryData<string> CredentialKinds => new("api_key", "private_key_jwt", "private_key_jwt+dpop");

    [Theory]
    [MemberData(nameof(CredentialKinds))]
    public async Task EveryOperation_Succeeds_AndReturnsOktaData(string kind)
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { ServiceAppRequiresDpop = kind.EndsWith("dpop", StringComparison.Ordinal) });
        var token = await h.TokenAsync(kind == "api_key" ? h.ApiToken : h.ServiceApp());
        Assert.Equal(kind switch { "api_key" => "SSWS", "private_key_jwt" => "Bearer", _ => "DPoP" }, token.Scheme);
        var userId = (string)h.Emulator.Users[0]["id"]!;

        var users = await h.RunAsync(token, "list_users", """{"limit":5}""");
        var user = await h.RunAsync(token, "get_user", $$"""{"user_id":"{{userId}}"}""");
        var created = await h.RunAsync(token, "create_user", """{"profile":{"email":"new.person@example.com","login":"new.person@example.com","firstName":"New","lastName":"Person"},"activate":false}""");
        var newId = JsonNode.Parse(created.Body.Span)!["id"]!.GetValue<string>();
        var deactivated = await h.RunAsync(token, "deactivate_user", $$"""{"user_id":"{{newId}}"}""");
        var groups = await h.RunAsync(token, "list_groups", """{"q":"Engineering"}""");
        var apps = await h.RunAsync(token, "list_applications", """{"limit":3}""");
        var logs = await h.RunAsync(token, "get_system_log", """{"limit":4,"sortOrder":"DESCENDING"}""");

        foreach (var response in new[] { users, user, created, deactivated, groups, apps, logs })
        {
            Assert.Equal(UpstreamOutcome.Success, response.Outcome);
            Assert.Equal(200, response.StatusCode);
        }

        Assert.Equal(5, JsonNode.Parse(users.Body.Span)!.AsArray().Count);
        Assert.Equal(userId, JsonNode.Parse(user.Body.Span)!["id"]!.GetValue<string>());
        Assert.Equal("STAGED", JsonNode.Parse(created.Body.Span)!["status"]!.GetValue<string>());
        Assert.Equal("DEPROVISIONED", h.Emulator.Users.Single(u => (string?)u["id"] == newId)["status"]!.GetValue<string>());
        Assert.All(JsonNode.Parse(groups.Body.Span)!.AsArray(), g => Assert.StartsWith("Engineering", g!["profile"]!["name"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(3, JsonNode.Parse(apps.Body.Span)!.AsArray().Count);
        Assert.Equal(4, JsonNode.Parse(logs.Body.Span)!.AsArray().Count);
        Assert.NotNull(users.RateLimit?.Limit);
    }

    [Fact]
    public async Task GetUser_ByLogin_EscapesThePathSegment()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        var login = (string)h.Emulator.Users[1]["profile"]!["login"]!;

        var response = await h.RunAsync(token, "get_user", $$"""{"user_id":"{{login}}"}""");

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Contains(h.Emulator.Requests, r => r.Path == "/api/v1/users/" + Uri.EscapeDataString(login));
    }

    [Fact]
    public async Task ListUsers_SendsSearchAndFilterAsOktaQueryParameters()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);

        var response = await h.RunAsync(token, "list_users", """{"search":"profile.department eq \"Engineering\"","filter":"status eq \"ACTIVE\"","limit":25}""");

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        var users = JsonNode.Parse(response.Body.Span)!.AsArray();
        Assert.NotEmpty(users);
        Assert.All(users, u => Assert.Equal("Engineering", u!["profile"]!["department"]!.GetValue<string>()));
        var request = h.Emulator.Requests.Single(r => r.Path == "/api/v1/users");
        Assert.Equal(["search", "filter", "limit"], request.QueryNames);
        Assert.Contains("search=profile.department%20eq%20%22Engineering%22", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUsers_FollowsLinkCursor_AcrossAllPages()
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { UserCount = 23 });
        var token = await h.TokenAsync(h.ApiToken);
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;

        do
        {
            var payload = cursor is null ? """{"limit":5}""" : $$"""{"limit":5,"after":"{{cursor}}"}""";
            var page = await h.RunAsync(token, "list_users", payload);
            Assert.Equal(UpstreamOutcome.Success, page.Outcome);
            seen.AddRange(JsonNode.Parse(page.Body.Span)!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 20);

        var expected = h.Emulator.Users.Where(u => (string?)u["status"] != "DEPROVISIONED").Select(u => (string)u["id"]!).ToList();
        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 4) / 5, pages);
    }

    [Fact]
    public async Task SystemLog_PagesWithCursor_AndHonoursSinceUntil()
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { LogEventCount = 12 });
        var token = await h.TokenAsync(h.ApiToken);

        var first = await h.RunAsync(token, "get_system_log", """{"limit":5}""");
        var second = await h.RunAsync(token, "get_system_log", $$"""{"limit":5,"after":"{{first.NextCursor}}"}""");
        var future = await h.RunAsync(token, "get_system_log", """{"since":"2999-01-01T00:00:00Z","until":"2999-01-02T00:00:00Z"}""");

        Assert.NotNull(first.NextCursor);
        var firstIds = JsonNode.Parse(first.Body.Span)!.AsArray().Select(e => e!["uuid"]!.GetValue<string>());
        var secondIds = JsonNode.Parse(second.Body.Span)!.AsArray().Select(e => e!["uuid"]!.GetValue<string>());
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.Empty(JsonNode.Parse(future.Body.Span)!.AsArray());
        Assert.Null(future.NextCursor);
    }

    [Fact]
    public async Task CreateUser_SendsOnlyCreateUserRequestMembers_AndActivateInQuery()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);

        var response = await h.RunAsync(token, "create_user", """{"profile":{"email":"a.b@example.com","login":"a.b@example.com","firstName":"A","lastName":"B","department":"Sales"},"credentials":{"password":{"value":"Correct-Horse-9"}},"groupIds":["00g000001QsEmulat0r1"],"activate":true}""");

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Equal("ACTIVE", JsonNode.Parse(response.Body.Span)!["status"]!.GetValue<string>());
        var request = h.Emulator.Requests.Single(r => r is { Method: "POST", Path: "/api/v1/users" });
        Assert.Equal("?activate=true", request.Query);
        Assert.Equal(["profile", "credentials", "groupIds"], JsonNode.Parse(request.Body!)!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task CreateUser_DuplicateLogin_IsClientErrorWithOktaCode()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        var login = (string)h.Emulator.Users[0]["profile"]!["login"]!;

        var response = await h.RunAsync(token, "create_user", $$$"""{"profile":{"email":"{{{login}}}","login":"{{{login}}}","firstName":"X","lastName":"Y"}}""");

        Assert.Equal(UpstreamOutcome.ClientError, response.Outcome);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("E0000001", response.ErrorCode);
        Assert.DoesNotContain(login, response.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("E0000001", JsonDocument.Parse(response.Body).RootElement.GetProperty("errorCode").GetString(), StringComparison.Ordinal);
    }
}
