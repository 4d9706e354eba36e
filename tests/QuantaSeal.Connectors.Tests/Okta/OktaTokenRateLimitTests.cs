using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Connectors.Okta;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>
/// A rate-limited token endpoint (org authorization server <c>/oauth2/v1/token</c>): the failure carries the wait,
/// from <c>Retry-After</c> (seconds or HTTP date) or else <c>X-Rate-Limit-Reset</c>, so the caller can be told it.
/// </summary>
public sealed class OktaTokenRateLimitTests
{
    private const string ClientSecret = "okta-client-secret-value";
    private const string RateLimitedBody =
        """{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oae1","errorCauses":[]}""";

    private static readonly ConnectorTarget Target = new("okta", new Uri("https://acme.okta.com/"));

    // Scopes outside okta.* so the client secret is sent (Okta refuses it for okta.* scopes before any request).
    private static readonly OAuth2ClientSecretCredential Credential = new("0oaclient", ClientSecret, null, ["custom.read"]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenEndpoint429_WithRetryAfterSeconds_CarriesTheDelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(time, response => response.Headers.Add("Retry-After", "37"), resetIn: 50);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["list_users"], Ct));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("E0000047", ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(37), ex.RetryAfter);
        Assert.DoesNotContain(ClientSecret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("exceeded rate limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint429_WithAnHttpDateRetryAfter_CarriesTheDelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(
            time,
            response => response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(42)),
            resetIn: 50);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["list_users"], Ct));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(42), ex.RetryAfter);
    }

    [Fact]
    public async Task TokenEndpoint429_WithOnlyTheRateLimitReset_CarriesTheDelayUntilTheReset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = Connector(time, _ => { }, resetIn: 9);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["list_users"], Ct));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(9), ex.RetryAfter);
    }

    [Fact]
    public async Task TokenEndpoint5xx_CarriesNoDelay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connector = new OktaConnector(
            new StubFactory(_ => Json(HttpStatusCode.InternalServerError, """{"error":"server_error"}""", time, resetIn: 9)),
            time,
            NullLogger<OktaConnector>.Instance);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(Target, Credential, ["list_users"], Ct));

        Assert.Equal(UpstreamOutcome.ServerError, ex.Outcome);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task Emulator_RateLimitedTokenEndpoint_WithOktasHeaders_IsRateLimited_WithTheDelayUntilTheReset()
    {
        // One clock for the emulator's X-Rate-Limit-Reset and the connector's "now", so the delay is exact.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { TimeProvider = time }, connectorTime: time);
        h.Emulator.RateLimitNextTokenRequests(5, TimeSpan.FromSeconds(45));

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(h.ServiceApp(), "list_users"));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("E0000047", ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(45), ex.RetryAfter);
        Assert.DoesNotContain(h.Emulator.ServiceAppPrivateKeyPem, h.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_RateLimitedTokenEndpoint_WithRetryAfter_IsRateLimited_WithThatDelay()
    {
        await using var h = await OktaHarness.StartAsync();
        h.Emulator.RateLimitNextTokenRequests(5, TimeSpan.FromSeconds(30), sendRetryAfter: true);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(h.ServiceApp(), "list_users"));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.Equal(1, h.Emulator.TokenRequestCount);
    }

    private static OktaConnector Connector(TimeProvider time, Action<HttpResponseMessage> headers, int resetIn) =>
        new(
            new StubFactory(_ =>
            {
                var response = Json(HttpStatusCode.TooManyRequests, RateLimitedBody, time, resetIn);
                headers(response);
                return response;
            }),
            time,
            NullLogger<OktaConnector>.Instance);

    /// <summary>A JSON answer with Okta's <c>X-Rate-Limit-*</c> headers, the reset <paramref name="resetIn"/> s away.</summary>
    private static HttpResponseMessage Json(HttpStatusCode status, string body, TimeProvider time, int resetIn)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        response.Headers.Add("X-Rate-Limit-Limit", "600");
        response.Headers.Add("X-Rate-Limit-Remaining", "0");
        response.Headers.Add("X-Rate-Limit-Reset", time.GetUtcNow().AddSeconds(resetIn).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private sealed class StubFactory(Func<HttpRequestMessage, HttpResponseMessage> answer) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new StubHandler(answer));
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
