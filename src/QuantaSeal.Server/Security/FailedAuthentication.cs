using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace QuantaSeal.Server.Security;

/// <summary>
/// The per-address budget of failed authentications (issue 13 finding 2). Every refused API key or operator key
/// costs the client address one token; an address with no token left is answered 429 before its key is even looked
/// at, so a flood of made-up keys costs no grain activation and no database read. Also remembers unknown API key ids
/// for a while (the negative cache), so repeating one is refused without a grain call.
/// </summary>
internal sealed class FailedAuthentication : IDisposable
{
    private static readonly object ThrottledKey = new();
    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknownKeys = new(StringComparer.Ordinal);
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _timeProvider;

    public FailedAuthentication(IOptions<RateLimitOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether the request's address has used up its failed-authentication budget; if so, marks the request throttled.</summary>
    public bool IsThrottled(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!_buckets.TryGetValue(Address(http), out var bucket))
        {
            return false;
        }

        var wait = bucket.TimeUntilToken(_timeProvider.GetUtcNow(), _options);
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        http.Items[ThrottledKey] = wait;
        return true;
    }

    /// <summary>Charges one failed authentication to the request's address.</summary>
    public void RecordFailure(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = Address(http);
        var now = _timeProvider.GetUtcNow();
        if (!_buckets.ContainsKey(address) && _buckets.Count >= _options.FailedAuthTrackedAddresses)
        {
            MakeRoom(now);
        }

        _buckets.GetOrAdd(address, _ => new Bucket(_options.FailedAuthBurst, now)).Take(now, _options);
    }

    /// <summary>Addresses whose budget is tracked now (never more than <see cref="RateLimitOptions.FailedAuthTrackedAddresses"/>).</summary>
    internal int TrackedAddresses => _buckets.Count;

    /// <summary>
    /// Bounded memory under a flood from many addresses. First the addresses whose bucket has refilled go (they are
    /// indistinguishable from new ones); if that frees nothing, the tenth with the most tokens left goes, so the
    /// addresses that spent their budget stay throttled and the cost of a sweep is spread over many failures.
    /// </summary>
    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (address, bucket) in _buckets)
        {
            if (bucket.IsFull(now, _options))
            {
                _buckets.TryRemove(address, out _);
            }
        }

        var excess = _buckets.Count - _options.FailedAuthTrackedAddresses + 1;
        if (excess <= 0)
        {
            return;
        }

        var evict = Math.Max(excess, _options.FailedAuthTrackedAddresses / 10);
        foreach (var (address, _) in _buckets
                     .Select(pair => (pair.Key, Tokens: pair.Value.Tokens(now, _options)))
                     .OrderByDescending(pair => pair.Tokens)
                     .Take(evict)
                     .ToList())
        {
            _buckets.TryRemove(address, out _);
        }
    }

    /// <summary>The Retry-After of a throttled request, or <see langword="null"/> when it was not throttled.</summary>
    public static TimeSpan? ThrottledFor(HttpContext http) =>
        http is not null && http.Items.TryGetValue(ThrottledKey, out var value) && value is TimeSpan retryAfter ? retryAfter : null;

    /// <summary>Whether <paramref name="keyId"/> was recently found not to exist.</summary>
    public bool IsKnownUnknown(string keyId)
    {
        if (!_unknownKeys.TryGetValue(keyId, out var expires))
        {
            return false;
        }

        if (expires > _timeProvider.GetUtcNow())
        {
            return true;
        }

        _unknownKeys.TryRemove(new KeyValuePair<string, DateTimeOffset>(keyId, expires));
        return false;
    }

    /// <summary>Remembers that <paramref name="keyId"/> does not exist (bounded: when full, expired entries go, then everything).</summary>
    public void RememberUnknown(string keyId)
    {
        var now = _timeProvider.GetUtcNow();
        if (_unknownKeys.Count >= _options.UnknownKeyCacheSize)
        {
            foreach (var (id, expires) in _unknownKeys)
            {
                if (expires <= now)
                {
                    _unknownKeys.TryRemove(id, out _);
                }
            }

            if (_unknownKeys.Count >= _options.UnknownKeyCacheSize)
            {
                // Still full of live entries: an attacker is cycling ids faster than they expire. Starting over costs
                // at most one grain call per id, which the failed-authentication budget already bounds.
                _unknownKeys.Clear();
            }
        }

        _unknownKeys[keyId] = now + _options.UnknownKeyCacheTime;
    }

    /// <summary>Writes the 429 of a throttled request.</summary>
    public static async Task WriteThrottledAsync(HttpContext http, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = Http.Problems.RateLimited(http, retryAfter),
        });
    }

    /// <summary>The partition: the IPv4 address, or the /64 of an IPv6 one (a single host usually owns a whole /64).</summary>
    internal static IPAddress Address(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _buckets.Clear();
        _unknownKeys.Clear();
    }

    /// <summary>A token bucket: <c>FailedAuthBurst</c> tokens, <c>FailedAuthPerSecond</c> back per <c>Period</c>.</summary>
    private sealed class Bucket(double tokens, DateTimeOffset updated)
    {
        private readonly Lock _lock = new();
        private double _tokens = tokens;
        private DateTimeOffset _updated = updated;

        public void Take(DateTimeOffset now, RateLimitOptions options)
        {
            lock (_lock)
            {
                Refill(now, options);
                _tokens = Math.Max(0, _tokens - 1);
            }
        }

        /// <summary>Zero when a failure may still be tried now, else how long until the next token.</summary>
        public TimeSpan TimeUntilToken(DateTimeOffset now, RateLimitOptions options)
        {
            lock (_lock)
            {
                Refill(now, options);
                return _tokens >= 1 ? TimeSpan.Zero : options.Period * ((1 - _tokens) / options.FailedAuthPerSecond);
            }
        }

        public double Tokens(DateTimeOffset now, RateLimitOptions options)
        {
            lock (_lock)
            {
                Refill(now, options);
                return _tokens;
            }
        }

        public bool IsFull(DateTimeOffset now, RateLimitOptions options) => Tokens(now, options) >= options.FailedAuthBurst;

        private void Refill(DateTimeOffset now, RateLimitOptions options)
        {
            var elapsed = now - _updated;
            if (elapsed > TimeSpan.Zero)
            {
                _tokens = Math.Min(options.FailedAuthBurst, _tokens + (elapsed / options.Period * options.FailedAuthPerSecond));
                _updated = now;
            }
        }
    }
}
