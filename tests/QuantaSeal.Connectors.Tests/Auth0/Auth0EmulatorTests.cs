using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using QuantaSeal.Emulators;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>The emulator's own wire behaviour, seen with a plain HttpClient (what any Auth0 client would see).</summary>
public sealed class Auth0EmulatorTests : IAsyncLifetime
{
    private static readonly Uri TokenUri = new("oauth/token", UriKind.Relative);
    private Auth0Emulator _auth0 = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _auth0 = await Auth0Emulator.StartAsync(cancellationToken: Ct);
        _http = new HttpClient { BaseAddress = _auth0.BaseUri };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _auth0.DisposeAsync();
    }

    [Fact]
    public async Task Token_AcceptsAFormEncodedRequest_AsAuth0Documents()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _auth0.ClientId,
            ["client_secret"] = _auth0.ClientSecret,
            ["audience"] = _auth0.Audience,
        });

        using var response = await _http.PostAsync(new Uri("oauth/token", UriKind.Relative), form, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(86400, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(3, body.GetProperty("access_token").GetString()!.Split('.').Length);
    }

    [Fact]
    public async Task Token_WithAWrongSecret_AnswersAuth0sAccessDenied()
    {
        using var response = await _http.PostAsJsonAsync(TokenUri, new { grant_type = "client_credentials", client_id = _auth0.ClientId, client_secret = "nope", audience = _auth0.Audience }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"access_denied","error_description":"Unauthorized"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Token_ForAnUnknownClient_AnswersExactlyAsForAWrongSecret()
    {
        using var response = await _http.PostAsJsonAsync(TokenUri, new { grant_type = "client_credentials", client_id = "unknown", client_secret = "nope", audience = _auth0.Audience }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"access_denied","error_description":"Unauthorized"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Token_IsAnRs256JwtShapedLikeAuth0s()
    {
        var token = await TokenAsync();

        var parts = token.Split('.');
        var header = JsonDocument.Parse(Convert.FromBase64String(Pad(parts[0]))).RootElement;
        var payload = JsonDocument.Parse(Convert.FromBase64String(Pad(parts[1]))).RootElement;
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(_auth0.ClientId + "@clients", payload.GetProperty("sub").GetString());
        Assert.Equal(_auth0.Audience, payload.GetProperty("aud").GetString());
        Assert.Equal(_auth0.BaseUri.AbsoluteUri, payload.GetProperty("iss").GetString());
        Assert.Equal("client-credentials", payload.GetProperty("gty").GetString());
        Assert.Equal(86400, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task Management_WithoutAToken_Is401MissingAuthentication()
    {
        using var response = await _http.GetAsync(new Uri("api/v2/users", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("api/v2/users?foo=1", "invalid_query_string")]
    [InlineData("api/v2/users?per_page=101", "invalid_query_string")]
    [InlineData("api/v2/users?per_page=ten", "invalid_query_string")]
    [InlineData("api/v2/users?per_page=1&per_page=2", "invalid_query_string")]
    [InlineData("api/v2/users?page=10&per_page=100", "invalid_paging")]
    [InlineData("api/v2/users?q=email:x", "invalid_query_string")]
    [InlineData("api/v2/users?q=email&search_engine=v3", "invalid_query")]
    [InlineData("api/v2/logs?take=101", "invalid_query_string")]
    [InlineData("api/v2/logs?page=20", "invalid_paging")]
    [InlineData("api/v2/users-by-email", "invalid_query_string")]
    public async Task Management_RejectsAQueryAuth0WouldReject(string url, string errorCode)
    {
        using var response = await GetAsync(url);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("Bad Request", body.GetProperty("error").GetString());
        Assert.Equal(errorCode, body.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Management_SendsRateLimitHeadersOnEveryResponse()
    {
        using var ok = await GetAsync("api/v2/roles");
        using var notFound = await GetAsync("api/v2/users/auth0%7Cnobody");

        foreach (var response in new[] { ok, notFound })
        {
            Assert.True(response.Headers.Contains("x-ratelimit-limit"));
            Assert.True(response.Headers.Contains("x-ratelimit-remaining"));
            var reset = long.Parse(response.Headers.GetValues("x-ratelimit-reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(reset, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        }
    }

    [Fact]
    public async Task RateLimitKnob_Answers429WithRetryAfter_ThenRecovers()
    {
        var token = await TokenAsync();
        _auth0.RateLimitNext(2, TimeSpan.FromSeconds(7));

        using var first = await GetAsync("api/v2/roles", token);
        using var second = await GetAsync("api/v2/roles", token);
        using var third = await GetAsync("api/v2/roles", token);

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), first.Headers.RetryAfter!.Delta);
        Assert.Equal("0", first.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal("too_many_requests", (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task FailKnob_TargetsOnlyTheChosenEndpoint()
    {
        _auth0.FailNext(1, 500, Auth0FaultTarget.Management);

        var token = await TokenAsync();
        using var failed = await GetAsync("api/v2/roles", token);
        using var ok = await GetAsync("api/v2/roles", token);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task EnforcedRateLimit_Throttles_BeyondTheLimitPerSecond()
    {
        await using var strict = await Auth0Emulator.StartAsync(new Auth0EmulatorOptions { EnforceRateLimit = true, RateLimitPerSecond = 2 }, Ct);
        using var http = new HttpClient { BaseAddress = strict.BaseUri };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await http.GetAsync(new Uri("api/v2/roles", UriKind.Relative), Ct);
            statuses.Add(response.StatusCode);
        }

        // Ten quick requests cannot spread over five one-second windows of at most two each.
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Requests_AreRecorded_WithTheRawPathAndNoSecrets()
    {
        var token = await TokenAsync();
        _auth0.ClearRequests();

        using var response = await GetAsync("api/v2/users/samlp%7Cacme-saml%7Cjane.doe%40acme.example?fields=email", token);

        var request = Assert.Single(_auth0.Requests);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/api/v2/users/samlp%7Cacme-saml%7Cjane.doe%40acme.example", request.Path);
        Assert.Equal("fields=email", request.Query);
        Assert.StartsWith("tok_", request.TokenId, StringComparison.Ordinal);
        Assert.DoesNotContain(token, request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_auth0.ClientSecret, _auth0.Client.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_RecordsEveryConcurrentRequest()
    {
        var token = await TokenAsync();
        _auth0.ClearRequests();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await GetAsync("api/v2/roles", token);
        }));

        Assert.Equal(20, _auth0.ManagementRequestCount);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), _auth0.Requests.Select(r => r.Sequence - _auth0.Requests[0].Sequence + 1));
    }

    [Fact]
    public async Task UnknownRoute_IsAuth0s404()
    {
        var token = await TokenAsync();

        using var response = await GetAsync("api/v2/tenants/settings", token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Clients_ShowSecrets_OnlyToATokenWithReadClientKeys()
    {
        var keys = _auth0.AddClient("keys", ["read:clients", "read:client_keys"]);
        using var tokenResponse = await _http.PostAsJsonAsync(TokenUri, new { grant_type = "client_credentials", client_id = keys.ClientId, client_secret = keys.ClientSecret, audience = _auth0.Audience }, Ct);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!;

        using var withKeys = await GetAsync("api/v2/clients", token);
        using var withoutKeys = await GetAsync("api/v2/clients", await TokenAsync());

        Assert.Contains("\"client_secret\"", await withKeys.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("\"client_secret\"", await withoutKeys.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_DoesNotWaitForRequestsParkedInLatency()
    {
        var slow = await Auth0Emulator.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = slow.BaseUri };
        slow.Latency = TimeSpan.FromMinutes(5);
        var pending = http.GetAsync(new Uri("api/v2/roles", UriKind.Relative), Ct);
        await WaitUntil.TrueAsync(() => slow.Requests.Count == 1, TimeSpan.FromSeconds(10), () => $"{slow.Requests.Count} requests reached the slow emulator", Ct);
        // The parked request would answer after 5 minutes: dispose must end it rather than wait for it. The one-minute
        // limit only keeps a regression from hanging the run.
        await slow.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1), Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => pending);
    }

    [Theory]
    [InlineData("auth0", "--bogus")]
    [InlineData("auth0", "--token-lifetime", "0")]
    [InlineData("auth0", "--latency-ms", "-1")]
    [InlineData("okta", "--token-lifetime", "ten")]
    [InlineData("gcp")]
    public async Task Main_WithABadCommandLine_PrintsUsage_AndReturns2(params string[] args)
    {
        Assert.Equal(2, await EmulatorProgram.Main(args));
    }

    private async Task<string> TokenAsync()
    {
        using var response = await _http.PostAsJsonAsync(TokenUri, new { grant_type = "client_credentials", client_id = _auth0.ClientId, client_secret = _auth0.ClientSecret, audience = _auth0.Audience }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string? token = null)
    {
        token ??= await TokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, Ct);
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}
