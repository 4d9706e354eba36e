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
    public Task Management429_WithOnlyTheResetHeader2sAhead_IsRetriedOnce_AfterThatDelay() =>
        AssertRetriedOnceAfterAsync(
            TimeSpan.FromSeconds(2),
            () => RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(2))),
            ConnectorHttpClients.Management,
            http => http.GetAsync(Users, Ct));

    [Fact]
    public Task TokenPost429_WithOnlyOktasResetHeader2sAhead_IsRetriedOnce_AfterThatDelay() =>
        AssertRetriedOnceAfterAsync(
            TimeSpan.FromSeconds(2),
            () => RateLimited(reset: (UpstreamRetryAfter.OktaResetHeader, Start.AddSeconds(2))),
            ConnectorHttpClients.Token,
            http => http.PostAsync(OktaToken, Form(), Ct));

    [Fact]
    public async Task Management429_WithTheResetFarBeyondTheMaximum_IsNotRetried_TheCallerGetsThe429()
    {
        await using var pipeline = new Pipeline(() => RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(60))));

        using var response = await pipeline.SendAsync(ConnectorHttpClients.Management, http => http.GetAsync(Users, Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), UpstreamRetryAfter.Delay(response, pipeline.Clock.GetUtcNow()));
        Assert.Equal(1, pipeline.Stub.Attempts);
        Assert.Empty(pipeline.Clock.TimersShorterThan(AttemptTimeout));
    }

    [Fact]
    public Task Management429_RetryAfterWinsOverTheResetHeader_ReadOnTheInjectedClock() =>
        AssertRetriedOnceAfterAsync(
            TimeSpan.FromSeconds(1),
            () =>
            {
                var response = RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(4)));
                response.Headers.RetryAfter = new RetryConditionHeaderValue(Start.AddSeconds(1));
                return response;
            },
            ConnectorHttpClients.Management,
            http => http.GetAsync(Users, Ct));

    [Fact]
    public async Task Management503_WithARetryAfterBeyondTheMaximum_IsNotRetried_TheCallerGetsIt()
    {
        await using var pipeline = new Pipeline(() => Unavailable(TimeSpan.FromSeconds(60)));

        using var response = await pipeline.SendAsync(ConnectorHttpClients.Management, http => http.GetAsync(Users, Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, pipeline.Stub.Attempts);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task ManagementPost_WithAShortWait_IsStillNotRetried(int status)
    {
        await using var pipeline = new Pipeline(() => status == 429
            ? RateLimited(reset: (UpstreamRetryAfter.Auth0ResetHeader, Start.AddSeconds(1)))
            : Unavailable(TimeSpan.FromSeconds(1)));

        using var response = await pipeline.SendAsync(ConnectorHttpClients.Management, http => http.PostAsync(Users, new StringContent("{}"), Ct));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, pipeline.Stub.Attempts);
    }

    [Fact]
    public async Task SingleUseTokenPost429_WithAShortReset_IsStillNotRetried()
    {
        await using var pipeline = new Pipeline(() => RateLimited(reset: (UpstreamRetryAfter.OktaResetHeader, Start.AddSeconds(1))));
        using var request = new HttpRequestMessage(HttpMethod.Post, OktaToken) { Content = Form() };
        request.Options.Set(ConnectorHttpClients.SingleUse, true);

        using var response = await pipeline.SendAsync(ConnectorHttpClients.Token, http => http.SendAsync(request, Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, pipeline.Stub.Attempts);
    }

    /// <summary>
    /// The upstream answers the first attempt with <paramref name="first"/>: the pipeline arms exactly one retry timer
    /// of <paramref name="delay"/>, and once the fake clock passes it the second attempt's 200 reaches the caller.
    /// </summary>
    private static async Task AssertRetriedOnceAfterAsync(TimeSpan delay, Func<HttpResponseMessage> first, string client, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        await using var pipeline = new Pipeline(first);

        var pending = send(pipeline.Client(client));
        var delays = await pipeline.Clock.WaitForTimersAsync(1, AttemptTimeout, Ct);
        pipeline.Clock.Advance(delay);
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([delay], delays);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, pipeline.Stub.Attempts);
    }

    /// <summary>
    /// The production handler stack and pipelines (<see cref="ConnectorServiceCollectionExtensions.AddQuantaSealConnectors"/>)
    /// on a fake clock, with a stub in place of the socket handler.
    /// </summary>
    private sealed class Pipeline : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Pipeline(Func<HttpResponseMessage> first)
        {
            Stub = new StubHandler(first);
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddQuantaSealConnectors(o =>
            {
                o.AttemptTimeout = AttemptTimeout;
                o.TotalTimeout = TimeSpan.FromSeconds(60);
            });
            services.AddHttpClient(ConnectorHttpClients.Management).ConfigurePrimaryHttpMessageHandler(() => Stub);
            services.AddHttpClient(ConnectorHttpClients.Token).ConfigurePrimaryHttpMessageHandler(() => Stub);
            _services = services.BuildServiceProvider();
        }

        public RecordingTimeProvider Clock { get; } = new(Start);

        public StubHandler Stub { get; }

        public HttpClient Client(string name) => _services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

        /// <summary>Sends through the named client; an answer that needs no retry comes without the clock moving.</summary>
        public Task<HttpResponseMessage> SendAsync(string client, Func<HttpClient, Task<HttpResponseMessage>> send) =>
            send(Client(client)).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }

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
    private sealed class StubHandler(Func<HttpResponseMessage> first) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Interlocked.Increment(ref _attempts) == 1 ? first() : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });
    }
}
