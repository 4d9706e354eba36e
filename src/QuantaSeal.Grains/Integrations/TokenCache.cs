using Microsoft.Extensions.Logging;
using QuantaSeal.Connectors;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// One integration's upstream token and the opened credential it is acquired with (DESIGN §2: single-flight
/// acquisition, proactive refresh before expiry, invalidation by generation). Plain C# driven by a
/// <see cref="TimeProvider"/>, so tests run it on a fake clock; the integration grain owns one and is its
/// <see cref="ITokenSource"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: every member runs on its owner's single-threaded scheduler (the grain's turns, which interleave
/// only at awaits). Its invariants hold at every await:
/// <list type="bullet">
/// <item>Single flight: at most one acquisition runs at a time (<see cref="_inflight"/>); concurrent callers share its task.</item>
/// <item>Generation: every invalidation bumps <see cref="_generation"/>. An acquisition or credential fetch caches its
/// result only if the generation it started under is still current, so nothing that started before a rotation, a
/// credential change or a new allowlist is ever cached after it.</item>
/// <item>Proactive refresh: once <see cref="RefreshAtLifetimeFraction"/> of a token's lifetime has passed, one
/// background acquisition replaces it (scheduled through <see cref="ITokenSource.ScheduleRefresh"/>, and started by a
/// caller that finds the token past that point); callers keep the current token until then.</item>
/// </list>
/// </remarks>
internal sealed partial class TokenCache
{
    /// <summary>Tokens are refreshed once 80 % of their lifetime has passed (DESIGN: at most ~80 %).</summary>
    internal const double RefreshAtLifetimeFraction = 0.8;

    /// <summary>A token this close to expiry is not used any more; callers wait for the refresh.</summary>
    internal static readonly TimeSpan ExpirySafetyMargin = TimeSpan.FromSeconds(5);

    /// <summary>A refresh further off than this is not put on a timer: the first caller past the refresh point starts it.</summary>
    internal static readonly TimeSpan LongestScheduledRefresh = TimeSpan.FromDays(1);

    private readonly ITokenSource _source;
    private readonly TimeSpan _acquisitionBudget;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _tenantId;
    private readonly string _integrationId;

    private CachedToken? _token;
    private Task<CachedToken>? _inflight;
    private VersionedCredential? _credential;
    private IDisposable? _refreshTimer;

    /// <summary>Bumped by every invalidation; see the remarks.</summary>
    private long _generation;

    /// <param name="source">The owner: credential, token and refresh timer.</param>
    /// <param name="acquisitionBudget">The deadline of one acquisition (credential fetch and token request together).</param>
    /// <param name="timeProvider">The clock for expiry, the refresh point and the acquisition deadline.</param>
    /// <param name="logger">The owner's logger.</param>
    /// <param name="tenantId">For log lines.</param>
    /// <param name="integrationId">For log lines.</param>
    public TokenCache(ITokenSource source, TimeSpan acquisitionBudget, TimeProvider timeProvider, ILogger logger, string tenantId, string integrationId)
    {
        _source = source;
        _acquisitionBudget = acquisitionBudget;
        _timeProvider = timeProvider;
        _logger = logger;
        _tenantId = tenantId;
        _integrationId = integrationId;
    }

    /// <summary>
    /// A usable token: the cached one while it is not within <see cref="ExpirySafetyMargin"/> of expiry (starting the
    /// background refresh once past its refresh point), else the shared acquisition. The acquisition runs under its own
    /// deadline, not the caller's token: a caller that gives up stops waiting (<c>WaitAsync</c>) without cancelling it
    /// for the others.
    /// </summary>
    /// <exception cref="UpstreamCallException">The acquisition failed (credentials refused, token endpoint failed, host not allowed).</exception>
    public Task<CachedToken> GetAsync()
    {
        var now = _timeProvider.GetUtcNow();
        var cached = _token;
        if (cached is not null && now < cached.Token.ExpiresAt - ExpirySafetyMargin)
        {
            if (now >= cached.RefreshAt)
            {
                // Past 80 %: keep serving the current token and refresh in the background, once.
                _ = RefreshQuietlyAsync();
            }

            return Task.FromResult(cached);
        }

        return StartAcquisition();
    }

    /// <summary>
    /// The upstream refused <paramref name="token"/> (401): drop it, unless a concurrent caller already replaced it, so
    /// the next <see cref="GetAsync"/> acquires afresh (or joins the acquisition in flight).
    /// </summary>
    public void Reject(CachedToken token)
    {
        if (ReferenceEquals(_token, token))
        {
            _token = null;
            CancelRefresh();
        }
    }

    /// <summary>
    /// Drops the token and makes any acquisition in flight stale (it still answers its own waiting callers, but caches
    /// nothing): new scopes, a connection check, a deleted integration.
    /// </summary>
    public void Invalidate()
    {
        _generation++;
        _inflight = null;
        _token = null;
        CancelRefresh();
    }

    /// <summary>Drops the credential as well as the token (<see cref="Invalidate"/>): a rotation, another credential, deactivation.</summary>
    public void InvalidateCredential()
    {
        _credential = null;
        Invalidate();
    }

    /// <summary>The credential was rotated to <paramref name="version"/>: drop everything unless the cached credential is already that new.</summary>
    public void CredentialRotated(int version)
    {
        if (_credential is null || _credential.Version < version)
        {
            InvalidateCredential();
        }
    }

    private Task<CachedToken> StartAcquisition()
    {
        if (_inflight is { IsCompleted: false } inflight)
        {
            return inflight;
        }

        var task = AcquireAsync(_generation);
        _inflight = task;
        return task;
    }

    /// <summary>
    /// One shared acquisition under its own deadline, so a token endpoint that drips its body cannot hold it and every
    /// waiting caller gives up at its own deadline. It caches its token only if nothing invalidated the cache meanwhile.
    /// </summary>
    private async Task<CachedToken> AcquireAsync(long generation)
    {
        using var deadline = new CancellationTokenSource(_acquisitionBudget, _timeProvider);
        var credential = await CredentialAsync(deadline.Token);
        var token = await _source.AcquireTokenAsync(credential.Credential, deadline.Token);
        var acquiredAt = _timeProvider.GetUtcNow();
        var lifetime = token.ExpiresAt == DateTimeOffset.MaxValue ? TimeSpan.MaxValue : token.ExpiresAt - acquiredAt;
        var refreshAt = lifetime == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : acquiredAt + (lifetime * RefreshAtLifetimeFraction);
        var cached = new CachedToken(token, refreshAt, credential.Version);
        if (generation == _generation)
        {
            _token = cached;
            ScheduleRefresh(refreshAt - acquiredAt);
        }

        Log.TokenAcquired(_logger, _tenantId, _integrationId, token.Scheme, token.ExpiresAt);
        return cached;
    }

    private async Task<VersionedCredential> CredentialAsync(CancellationToken cancellationToken)
    {
        if (_credential is { } cached)
        {
            return cached;
        }

        // A rotation (or a credential change) arriving while this fetch awaits bumps the generation: the values read
        // may be the old ones, so they serve this acquisition only and are not cached.
        var generation = _generation;
        var credential = await _source.FetchCredentialAsync(cancellationToken);
        if (generation == _generation)
        {
            _credential = credential;
        }

        return credential;
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await StartAcquisition();
        }
        catch (Exception ex) when (ex is UpstreamCallException or HttpRequestException or OperationCanceledException)
        {
            // The current token is still valid; the next caller past expiry retries and reports the failure.
            Log.BackgroundRefreshFailed(_logger, _tenantId, _integrationId, ex.GetType());
        }
    }

    private void ScheduleRefresh(TimeSpan dueIn)
    {
        CancelRefresh();
        if (dueIn <= TimeSpan.Zero || dueIn >= LongestScheduledRefresh)
        {
            return;
        }

        Log.RefreshScheduled(_logger, _tenantId, _integrationId, dueIn);
        _refreshTimer = _source.ScheduleRefresh(dueIn, RefreshQuietlyAsync);
    }

    private void CancelRefresh()
    {
        _refreshTimer?.Dispose();
        _refreshTimer = null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: acquired a {Scheme} token expiring {ExpiresAt}")]
        public static partial void TokenAcquired(ILogger logger, string tenantId, string integrationId, string scheme, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 1308, Level = LogLevel.Warning, Message = "Integration {IntegrationId} of tenant {TenantId}: background token refresh failed ({ExceptionType})")]
        public static partial void BackgroundRefreshFailed(ILogger logger, string tenantId, string integrationId, Type exceptionType);

        [LoggerMessage(EventId = 1309, Level = LogLevel.Debug, Message = "Integration {IntegrationId} of tenant {TenantId}: token refresh scheduled in {DueIn}")]
        public static partial void RefreshScheduled(ILogger logger, string tenantId, string integrationId, TimeSpan dueIn);
    }
}
