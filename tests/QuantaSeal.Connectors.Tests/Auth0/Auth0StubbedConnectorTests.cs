using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Connectors.Tests.Catalog;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// Answers no emulator gives on purpose (other token error codes, odd token responses, oversized bodies, HTTP-date
/// Retry-After), through a stub handler in place of the network.
/// </summary>
public sealed class Auth0StubbedConnectorTests
{
    private static readonly ConnectorTarget Target = new("auth0", new Uri("https://acme.us.auth0.com/"));
    private static readonly OAuth2ClientSecretCredential Credential = new("client-id", "client-secret-value", null, null);
    private static readonly UpstreamToken Token = new("access-token-value", "Bearer", DateTimeOffset.MaxValue, ["read:users"]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcquireToken_PostsAuth0sJsonBody_ToTheTenantsTokenEndpoint()
    {
        string? body = null;
        Uri? uri = null;
        var connector = Connector(async request =>
        {
            uri = request.RequestUri;
            body = await request.Content!.ReadAsStringAsync(Ct);
            return Json(HttpStatusCode.OK, """{"access_token":"at","scope":"read:users","expires_in":86400,"token_type":"Bearer"}""");
        });

        await connector.AcquireTokenAsync(Target, Credential, ["get_user"], Ct);

        Assert.Equal("https://acme.us.auth0.com/oauth/token", uri!.AbsoluteUri);
        Assert.Equal("""{"grant_type":"client_credentials","client_id":"client-id","client_secret":"client-secret-value","audience":"https://acme.us.auth0.com/api/v2/","scope":"read:users"}""", body);
    }

    [Theory]
    [InlineData(401, """{"error":"invalid_client","error_description":"Client authentication failed"}""", UpstreamOutcome.CredentialRejected, "invalid_client")]
    [InlineData(403, """{"error":"access_denied","error_description":"Service not enabled within domain: https://x/api/v2/"}""", UpstreamOutcome.CredentialRejected, "access_denied")]
    [InlineData(403, """{"error":"unauthorized_client","error_description":"Grant type 'client_credentials' not allowed for the client.","error_uri":"https://auth0.com/docs/clients/client-grant-types"}""", UpstreamOutcome.CredentialRejected, "unauthorized_client")]
    [InlineData(400, """{"error":"invalid_request","error_description":"Missing required parameter: audience"}""", UpstreamOutcome.ClientError, "invalid_request")]
    [InlineData(404, "<html>not found</html>", UpstreamOutcome.NotFound, null)]
    [InlineData(502, "<html>bad gateway</html>", UpstreamOutcome.ServerError, null)]
    public async Task AcquireToken_MapsTokenEndpointErrors(int status, string body, UpstreamOutcome outcome, string? code)
    {
        var connector = Connector(_ => Task.FromResult(Json((HttpStatusCode)status, body)));

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct));

        Assert.Equal(outcome, ex.Outcome);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(code, ex.ErrorCode);
        Assert.DoesNotContain("https://x/", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"token_type":"Bearer","expires_in":60}""")]
    [InlineData("""{"access_token":"","token_type":"Bearer"}""")]
    [InlineData("""{"access_token":"at","token_type":"DPoP","expires_in":60}""")]
    [InlineData("""{"access_token":42}""")]
    [InlineData("""[]""")]
    [InlineData("<html>login page</html>")]
    public async Task AcquireToken_RefusesAResponseThatIsNotABearerToken(string body)
    {
        var connector = Connector(_ => Task.FromResult(Json(HttpStatusCode.OK, body)));

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.ServerError, ex.Outcome);
        Assert.Equal("invalid_token_response", ex.ErrorCode);
    }

    [Fact]
    public async Task AcquireToken_WithoutExpiresIn_AssumesAShortLifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var connector = Connector(_ => Task.FromResult(Json(HttpStatusCode.OK, """{"access_token":"at","token_type":"bearer"}""")), time);

        var token = await connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct);

        Assert.Equal(time.GetUtcNow().AddMinutes(5), token.ExpiresAt);
        Assert.Empty(token.GrantedScopes);
    }

    [Fact]
    public async Task AcquireToken_RateLimitedWithRetryAfterSeconds_CarriesTheDelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(_ =>
        {
            var response = TokenRateLimited(time, resetIn: 50);
            response.Headers.Add("Retry-After", "37");
            return Task.FromResult(response);
        }, time);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("too_many_requests", ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(37), ex.RetryAfter);
        Assert.DoesNotContain("client-secret-value", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Global limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_RateLimitedWithAnHttpDateRetryAfter_CarriesTheDelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(_ =>
        {
            var response = TokenRateLimited(time, resetIn: 50);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(42));
            return Task.FromResult(response);
        }, time);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(42), ex.RetryAfter);
    }

    [Fact]
    public async Task AcquireToken_RateLimitedWithOnlyTheRateLimitReset_CarriesTheDelayUntilTheReset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(_ => Task.FromResult(TokenRateLimited(time, resetIn: 9)), time);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(9), ex.RetryAfter);
    }

    [Fact]
    public async Task AcquireToken_RateLimitedWithAResetInThePast_IsNeverANegativeDelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(_ => Task.FromResult(TokenRateLimited(time, resetIn: -30)), time);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["get_users"], Ct));

        Assert.Equal(TimeSpan.Zero, ex.RetryAfter);
    }

    [Fact]
    public async Task Execute_SurfacesAnHttpDateRetryAfter_AsADelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(_ =>
        {
            var response = Json(HttpStatusCode.TooManyRequests, """{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}""");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(42));
            response.Headers.Add("x-ratelimit-limit", "10");
            response.Headers.Add("x-ratelimit-remaining", "0");
            response.Headers.Add("x-ratelimit-reset", time.GetUtcNow().AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(response);
        }, time);

        var result = await ExecuteAsync(connector, "get_users", "{}");

        Assert.Equal(UpstreamOutcome.RateLimited, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(42), result.RetryAfter);
        Assert.Equal(new RateLimitInfo(10, 0, time.GetUtcNow().AddSeconds(42)), result.RateLimit);
    }

    [Fact]
    public async Task Execute_On429WithoutRetryAfter_UsesTheRateLimitReset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(_ =>
        {
            var response = Json(HttpStatusCode.TooManyRequests, "{}");
            response.Headers.Add("x-ratelimit-reset", time.GetUtcNow().AddSeconds(9).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(response);
        }, time);

        var result = await ExecuteAsync(connector, "get_users", "{}");

        Assert.Equal(TimeSpan.FromSeconds(9), result.RetryAfter);
    }

    [Fact]
    public async Task Execute_DropsABodyOverTheSizeLimit()
    {
        var connector = Connector(_ =>
        {
            var huge = new byte[ConnectorHttpClients.MaxResponseBytes + 1];
            huge.AsSpan().Fill((byte)' ');
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(huge)) });
        });

        var result = await ExecuteAsync(connector, "get_users", "{}");

        Assert.Equal(UpstreamOutcome.ServerError, result.Outcome);
        Assert.Equal("response_too_large", result.ErrorCode);
        Assert.True(result.Body.IsEmpty);
    }

    [Fact]
    public async Task Execute_PassesABodyWithNullsAndUnknownMembersThroughByteForByte()
    {
        const string body = """[ {"user_id":"auth0|1","email":null,"brand_new_field":{"x":[1,2,null]}} ]""";
        var connector = Connector(_ => Task.FromResult(Json(HttpStatusCode.OK, body)));

        var result = await ExecuteAsync(connector, "get_users", "{}");

        Assert.Equal(body, Encoding.UTF8.GetString(result.Body.Span));
    }

    [Fact]
    public async Task Execute_DoesNotPassOnAnUnsafeErrorCode()
    {
        var connector = Connector(_ => Task.FromResult(Json(HttpStatusCode.BadRequest, """{"statusCode":400,"error":"Bad Request","message":"bad email jane@acme.example","errorCode":"<script>alert(1)</script>"}""")));

        var result = await ExecuteAsync(connector, "get_users", "{}");

        Assert.Equal(UpstreamOutcome.ClientError, result.Outcome);
        Assert.Equal("Bad Request", result.ErrorCode);
        Assert.DoesNotContain("jane", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_SendsTheTokenWithItsScheme_AndJsonForWrites()
    {
        HttpRequestMessage? seen = null;
        string? body = null;
        var connector = Connector(async request =>
        {
            seen = request;
            body = request.Content is null ? null : await request.Content.ReadAsStringAsync(Ct);
            return Json(HttpStatusCode.OK, "{}");
        });

        await ExecuteAsync(connector, "update_user", """{"user_id":"auth0|1","changes":{"name":"N","app_metadata":{"a":null}}}""");

        Assert.Equal("Bearer access-token-value", seen!.Headers.Authorization!.ToString());
        Assert.Equal("application/json", seen.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("""{"name":"N","app_metadata":{"a":null}}""", body);
        Assert.Equal("/api/v2/users/auth0%7C1", seen.RequestUri!.AbsolutePath);
    }

    [Theory]
    [InlineData("a/b", "/api/v2/users/a%2Fb")]
    [InlineData("x?y#z", "/api/v2/users/x%3Fy%23z")]
    [InlineData("...", "/api/v2/users/...")]
    [InlineData("%2E%2E", "/api/v2/users/%252E%252E")]
    [InlineData("é ü", "/api/v2/users/%C3%A9%20%C3%BC")]
    public void Uri_KeepsAnyUserIdInsideOneSegment(string id, string expectedPath)
    {
        var uri = Auth0Uri.Build(Target.BaseUri, "/api/v2/users/{id}", new Dictionary<string, string> { ["id"] = id }, []);

        Assert.Equal(expectedPath, uri.AbsolutePath);
        Assert.Equal("acme.us.auth0.com", uri.Host);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public void Uri_RefusesDotSegments_ThatSystemUriWouldCollapse(string id)
    {
        Assert.Throws<InvalidOperationException>(() => Auth0Uri.Build(Target.BaseUri, "/api/v2/users/{id}", new Dictionary<string, string> { ["id"] = id }, []));
    }

    [Fact]
    public void Uri_RefusesABaseWithAPath()
    {
        Assert.Throws<ArgumentException>(() => Auth0Uri.Build(new Uri("https://acme.us.auth0.com/evil/"), "/api/v2/users", new Dictionary<string, string>(), []));
    }

    private static Auth0Connector Connector(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer, TimeProvider? time = null) =>
        new(new StubFactory(answer), time ?? TimeProvider.System, NullLogger<Auth0Connector>.Instance);

    private static Task<UpstreamResponse> ExecuteAsync(Auth0Connector connector, string operation, string payload) =>
        connector.ExecuteAsync(Target, Token, ValidatedRequests.For("auth0", operation, payload), Ct);

    /// <summary>Auth0's rate-limited token endpoint: its body and <c>x-ratelimit-*</c> headers, the reset <paramref name="resetIn"/> s away.</summary>
    private static HttpResponseMessage TokenRateLimited(TimeProvider time, int resetIn)
    {
        var response = Json(HttpStatusCode.TooManyRequests, """{"error":"too_many_requests","error_description":"Global limit has been reached"}""");
        response.Headers.Add("x-ratelimit-limit", "30");
        response.Headers.Add("x-ratelimit-remaining", "0");
        response.Headers.Add("x-ratelimit-reset", time.GetUtcNow().AddSeconds(resetIn).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class StubFactory(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new StubHandler(answer));
    }

    private sealed class StubHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request);
    }
}
