using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Tests.Http;

/// <summary>
/// The outbound resilience pipeline (the real <see cref="ConnectorServiceCollectionExtensions.AddQuantaSealConnectors"/>
/// registration over a stub primary handler) waits what the upstream asked before a retry: <c>Retry-After</c>, else
/// for a 429 the vendor's rate-limit reset; a wait beyond <see cref="UpstreamOptions.MaxRetryAfter"/> is not retried.
/// The pipeline runs on a fake clock: the chosen delay is read from the timer it creates, never measured.
/// </summary>
public sealed class UpstreamRetryDelayTests
{
    // Whole seconds, so an HTTP-date Retry-After (second precision) is exact; far from the real clock on purpose.
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Longer than any retry delay may be (MaxRetryAfter is 5 s), so shorter timers are the retry waits.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(20);

    private static readonly Uri Users = new("https://acme.auth0.com/api/v2/users");

    private static readonly Uri OktaToken = new("https://acme.okta.com/oauth2/v1/token");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Management429_WithOnlyTheResetHeader2sAhead_IsRetriedOnce_AfterThatDelay()
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ => RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(2))));
        await using var services = Services(clock, stub);

        var pending = Client(services, ConnectorHttpClients.Management).GetAsync(Users, Ct);
        var delays = await clock.WaitForTimersAsync(1, AttemptTimeout, Ct);
        clock.Advance(TimeSpan.FromSeconds(2));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([TimeSpan.FromSeconds(2)], delays);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, stub.Attempts);
    }

    [Fact]
    public async Task TokenPost429_WithOnlyOktasResetHeader2sAhead_IsRetriedOnce_AfterThatDelay()
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ => RateLimited(reset: (UpstreamRetryAfter.OktaResetHeader, Start.AddSeconds(2))));
        await using var services = Services(clock, stub);

        var pending = Client(services, ConnectorHttpClients.Token).PostAsync(OktaToken, Form(), Ct);
        var delays = await clock.WaitForTimersAsync(1, AttemptTimeout, Ct);
        clock.Advance(TimeSpan.FromSeconds(2));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([TimeSpan.FromSeconds(2)], delays);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, stub.Attempts);
    }

    [Fact]
    public async Task Management429_WithTheResetFarBeyondTheMaximum_IsNotRetried_TheCallerGetsThe429()
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ => RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(60))));
        await using var services = Services(clock, stub);

        using var response = await Client(services, ConnectorHttpClients.Management).GetAsync(Users, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), UpstreamRetryAfter.Delay(response, clock.GetUtcNow()));
        Assert.Equal(1, stub.Attempts);
        Assert.Empty(clock.TimersShorterThan(AttemptTimeout));
    }

    [Fact]
    public async Task Management429_RetryAfterWinsOverTheResetHeader_ReadOnTheInjectedClock()
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ =>
        {
            var response = RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(4)));
            response.Headers.RetryAfter = new RetryConditionHeaderValue(Start.AddSeconds(1));
            return response;
        });
        await using var services = Services(clock, stub);

        var pending = Client(services, ConnectorHttpClients.Management).GetAsync(Users, Ct);
        var delays = await clock.WaitForTimersAsync(1, AttemptTimeout, Ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([TimeSpan.FromSeconds(1)], delays);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, stub.Attempts);
    }

    [Fact]
    public async Task Management503_WithARetryAfterBeyondTheMaximum_IsNotRetried_TheCallerGetsIt()
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ => Unavailable(TimeSpan.FromSeconds(60)));
        await using var services = Services(clock, stub);

        using var response = await Client(services, ConnectorHttpClients.Management).GetAsync(Users, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, stub.Attempts);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task ManagementPost_WithAShortWait_IsStillNotRetried(int status)
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ => status == 429
            ? RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(1)))
            : Unavailable(TimeSpan.FromSeconds(1)));
        await using var services = Services(clock, stub);

        using var response = await Client(services, ConnectorHttpClients.Management)
            .PostAsync(Users, new StringContent("{}"), Ct)
            .WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, stub.Attempts);
    }

    [Fact]
    public async Task SingleUseTokenPost429_WithAShortReset_IsStillNotRetried()
    {
        var clock = new RecordingTimeProvider(Start);
        var stub = new StubHandler(_ => RateLimited(reset: (UpstreamRetryAfter.OktaResetHeader, Start.AddSeconds(1))));
        await using var services = Services(clock, stub);
        using var request = new HttpRequestMessage(HttpMethod.Post, OktaToken) { Content = Form() };
        request.Options.Set(ConnectorHttpClients.SingleUse, true);

        using var response = await Client(services, ConnectorHttpClients.Token).SendAsync(request, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, stub.Attempts);
    }

    private static ServiceProvider Services(TimeProvider clock, StubHandler stub)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddQuantaSealConnectors(o =>
        {
            o.AttemptTimeout = AttemptTimeout;
            o.TotalTimeout = TimeSpan.FromSeconds(60);
        });

        // The production handler stack and pipelines, with the stub in place of the socket handler.
        services.AddHttpClient(ConnectorHttpClients.Management).ConfigurePrimaryHttpMessageHandler(() => stub);
        services.AddHttpClient(ConnectorHttpClients.Token).ConfigurePrimaryHttpMessageHandler(() => stub);
        return services.BuildServiceProvider();
    }

    private static HttpClient Client(ServiceProvider services, string name) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    private static FormUrlEncodedContent Form() => new([new("grant_type", "client_credentials")]);

    /// <summary>A 429 with only a vendor's reset header (Unix seconds), no Retry-After.</summary>
    private static HttpResponseMessage RateLimited((string Name, DateTimeOffset At) reset)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("""{"error":"too_many_requests"}""") };
        response.Headers.Add(reset.Name, reset.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private static HttpResponseMessage Unavailable(TimeSpan retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        return response;
    }

    /// <summary>Answers the first attempt with <paramref name="first"/>, later ones with 200; counts the attempts.</summary>
    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> first) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Interlocked.Increment(ref _attempts) == 1 ? first(request) : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });
    }
}
