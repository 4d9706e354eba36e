using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Grains.Integrations;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// The integration's token cache on a fake clock, with a fake owner whose token and credential requests a test can
/// hold at a gate: refresh scheduling, single flight and invalidation by generation, with no cluster and no real time.
/// </summary>
public sealed class TokenCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeSource _source;
    private readonly TokenCache _cache;

    public TokenCacheTests()
    {
        _source = new FakeSource(_time);
        _cache = new TokenCache(_source, Budget, _time, NullLogger.Instance, "ten_test", "int_test");
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneAcquisition()
    {
        var gate = _source.HoldNextTokenRequest();
        var first = _cache.GetAsync();
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);
        var second = _cache.GetAsync();

        gate.Open();
        var tokens = await Task.WhenAll(first, second);

        Assert.Same(tokens[0], tokens[1]);
        Assert.Equal(1, _source.TokenRequests);
        Assert.Equal(1, _source.CredentialFetches);
    }

    [Fact]
    public async Task Refresh_IsScheduledAt80PercentOfTheLifetime_AndReplacesTheToken()
    {
        var first = await _cache.GetAsync();

        Assert.Equal([Lifetime * TokenCache.RefreshAtLifetimeFraction], _source.Scheduled);
        _time.Advance((Lifetime * TokenCache.RefreshAtLifetimeFraction) - TimeSpan.FromTicks(1));
        Assert.Equal(1, _source.TokenRequests);

        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(2, _source.TokenRequests);
        var current = await _cache.GetAsync();
        Assert.NotEqual(first.Token.AccessToken, current.Token.AccessToken);
        Assert.Equal(2, _source.TokenRequests);
    }

    [Fact]
    public async Task CallerPastTheRefreshPoint_KeepsTheCurrentToken_AndStartsOneBackgroundRefresh()
    {
        // A budget longer than the clock moves here, so the refresh released below cannot time out whenever it resumes.
        var cache = new TokenCache(_source, Lifetime * 2, _time, NullLogger.Instance, "ten_test", "int_test");
        _source.FireTimers = false;
        var first = await cache.GetAsync();
        _time.Advance(Lifetime * 0.9);
        var gate = _source.HoldNextTokenRequest();

        var during = await cache.GetAsync();
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);
        var alsoDuring = await cache.GetAsync();
        gate.Open();

        // Once the first token is too close to expiry, a caller gets the refreshed one (cached, or the refresh in flight).
        _time.Advance((Lifetime * 0.1) - TokenCache.ExpirySafetyMargin);
        var after = await cache.GetAsync();

        Assert.Same(first, during);
        Assert.Same(first, alsoDuring);
        Assert.Equal("tok-2", after.Token.AccessToken);
        Assert.Equal(2, _source.TokenRequests);
    }

    [Fact]
    public async Task TokenWithinTheSafetyMarginOfExpiry_IsNotServed()
    {
        _source.FireTimers = false;
        var first = await _cache.GetAsync();
        _time.Advance(Lifetime - TokenCache.ExpirySafetyMargin);

        var next = await _cache.GetAsync();

        Assert.NotEqual(first.Token.AccessToken, next.Token.AccessToken);
    }

    [Fact]
    public async Task Invalidation_DuringAnAcquisition_KeepsItsTokenOutOfTheCache()
    {
        var gate = _source.HoldNextTokenRequest();
        var inflight = _cache.GetAsync();
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);

        _cache.Invalidate();
        gate.Open();
        var stale = await inflight;
        var next = await _cache.GetAsync();

        // The stale acquisition answered the caller that was waiting for it, but was not cached or scheduled.
        Assert.NotEqual(stale.Token.AccessToken, next.Token.AccessToken);
        Assert.Equal(2, _source.TokenRequests);
        Assert.Single(_source.Scheduled);
    }

    [Fact]
    public async Task Invalidation_StartsTheNextCallerOnANewAcquisition_NotTheStaleOneInFlight()
    {
        var gate = _source.HoldNextTokenRequest();
        var stale = _cache.GetAsync();
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);

        _cache.Invalidate();
        var fresh = await _cache.GetAsync();
        gate.Open();
        await stale;

        Assert.Equal(2, _source.TokenRequests);
        Assert.Same(fresh, await _cache.GetAsync());
    }

    [Fact]
    public async Task Rotation_DuringACredentialFetch_DoesNotCacheTheOldCredential()
    {
        var gate = _source.HoldNextCredentialFetch();
        var inflight = _cache.GetAsync();
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);

        _source.CredentialVersion = 2;
        _cache.CredentialRotated(2);
        gate.Open();
        var old = await inflight;
        var next = await _cache.GetAsync();

        Assert.Equal(1, old.CredentialVersion);
        Assert.Equal(2, next.CredentialVersion);
        Assert.Equal(2, _source.CredentialFetches);
    }

    [Fact]
    public async Task Rotation_ToAVersionAlreadyCached_KeepsTheToken()
    {
        var first = await _cache.GetAsync();

        _cache.CredentialRotated(1);

        Assert.Same(first, await _cache.GetAsync());
        Assert.Equal(1, _source.CredentialFetches);
    }

    [Fact]
    public async Task Rejection_DropsOnlyTheTokenItNames()
    {
        var first = await _cache.GetAsync();
        _cache.Reject(first);
        var second = await _cache.GetAsync();

        // A caller that saw the first token refused after another caller replaced it must not drop the replacement.
        _cache.Reject(first);

        Assert.NotEqual(first.Token.AccessToken, second.Token.AccessToken);
        Assert.Same(second, await _cache.GetAsync());
        Assert.Equal(2, _source.TokenRequests);
    }

    [Fact]
    public async Task Invalidation_CancelsTheScheduledRefresh()
    {
        await _cache.GetAsync();

        _cache.Invalidate();
        _time.Advance(Lifetime);

        Assert.Equal(1, _source.TokenRequests);
    }

    [Fact]
    public async Task AcquisitionThatNeverAnswers_EndsAtItsBudget_AndTheNextCallStartsAfresh()
    {
        var gate = _source.HoldNextTokenRequest();
        var stuck = _cache.GetAsync();
        await gate.Entered.WaitAsync(TestContext.Current.CancellationToken);

        _time.Advance(Budget);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stuck);
        await gate.Abandoned.WaitAsync(TestContext.Current.CancellationToken);
        var next = await _cache.GetAsync();
        Assert.Equal(2, _source.TokenRequests);
        Assert.Equal("tok-2", next.Token.AccessToken);
    }

    [Fact]
    public async Task ApiToken_ThatNeverExpires_SchedulesNoRefresh()
    {
        _source.NeverExpires = true;

        var token = await _cache.GetAsync();

        Assert.Equal(DateTimeOffset.MaxValue, token.RefreshAt);
        Assert.Empty(_source.Scheduled);
    }

    /// <summary>The cache's owner: counts requests, can hold the next one at a gate, and schedules refreshes on the fake clock.</summary>
    private sealed class FakeSource(FakeTimeProvider time) : ITokenSource
    {
        private TestGate? _nextTokenGate;
        private TestGate? _nextCredentialGate;

        public int TokenRequests { get; private set; }

        public int CredentialFetches { get; private set; }

        public int CredentialVersion { get; set; } = 1;

        public bool NeverExpires { get; set; }

        /// <summary>When false, refreshes are recorded but their timers never fire (to test the caller-started refresh alone).</summary>
        public bool FireTimers { get; set; } = true;

        public List<TimeSpan> Scheduled { get; } = [];

        public TestGate HoldNextTokenRequest() => _nextTokenGate = new TestGate();

        public TestGate HoldNextCredentialFetch() => _nextCredentialGate = new TestGate();

        public async Task<VersionedCredential> FetchCredentialAsync(CancellationToken cancellationToken)
        {
            CredentialFetches++;
            var version = CredentialVersion;
            if (Interlocked.Exchange(ref _nextCredentialGate, null) is { } gate)
            {
                await gate.PassAsync(cancellationToken);
            }

            return new VersionedCredential(new OAuth2ClientSecretCredential("client", $"secret-v{version}", null, null), version);
        }

        public async Task<UpstreamToken> AcquireTokenAsync(UpstreamCredential credential, CancellationToken cancellationToken)
        {
            var n = ++TokenRequests;
            if (Interlocked.Exchange(ref _nextTokenGate, null) is { } gate)
            {
                await gate.PassAsync(cancellationToken);
            }

            return new UpstreamToken($"tok-{n}", "Bearer", NeverExpires ? DateTimeOffset.MaxValue : time.GetUtcNow() + Lifetime, []);
        }

        public IDisposable ScheduleRefresh(TimeSpan dueIn, Func<Task> refresh)
        {
            Scheduled.Add(dueIn);
            return FireTimers ? time.CreateTimer(_ => refresh(), null, dueIn, Timeout.InfiniteTimeSpan) : new NoTimer();
        }

        private sealed class NoTimer : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
