using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;

namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>
/// Lets the API see the browser's address on the console's own calls. The console reaches the API over HTTP from this
/// process, so without this every console request would come from loopback: one attacker's failed sign-ins would use
/// up loopback's failed-authentication budget and lock out every console user, while the attacker's own address was
/// never charged. Each console call carries a one-time token minted here and bound to the browser's address; the
/// front door redeems it at the very start of its pipeline (<see cref="Hosting.ConsoleCallerStartupFilter"/>) and
/// treats the call as coming from that address, so the API's own rate limiters charge the browser. A header is not
/// trusted by itself: only a token this process minted, unused and unexpired, changes the address, and it does so once.
/// </summary>
internal sealed class ConsoleCallers(TimeProvider timeProvider)
{
    /// <summary>The request header carrying the token.</summary>
    public const string HeaderName = "X-QuantaSeal-Console-Caller";

    /// <summary>A token not redeemed within this time is dead (the console sends its call at once; HTTP timeout 60 s).</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>Above this many outstanding tokens, expired ones are swept on the next issue (bounded memory).</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Binding> _tokens = new(StringComparer.Ordinal);

    /// <summary>A fresh token (256 random bits, base64url) bound to <paramref name="browser"/>.</summary>
    public string Issue(IPAddress browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var now = timeProvider.GetUtcNow();
        if (_tokens.Count > SweepAbove)
        {
            foreach (var (token, binding) in _tokens)
            {
                if (binding.Expires <= now)
                {
                    _tokens.TryRemove(token, out _);
                }
            }
        }

        var issued = Base64Url(RandomNumberGenerator.GetBytes(32));
        _tokens[issued] = new Binding(browser, now + Lifetime);
        return issued;
    }

    /// <summary>The address bound to <paramref name="token"/>, once: the token is spent whether or not it was still valid.</summary>
    public bool TryRedeem(string? token, out IPAddress? browser)
    {
        browser = null;
        if (string.IsNullOrEmpty(token) || !_tokens.TryRemove(token, out var binding) || binding.Expires <= timeProvider.GetUtcNow())
        {
            return false;
        }

        browser = binding.Address;
        return true;
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private sealed record Binding(IPAddress Address, DateTimeOffset Expires);
}
