using System.Net;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Tests;

/// <summary>The one-time tokens that carry the browser's address on the console's own API calls.</summary>
public sealed class ConsoleCallersTests
{
    private static readonly IPAddress Browser = IPAddress.Parse("203.0.113.7");

    [Fact]
    public void Token_RedeemsToTheBrowsersAddress_OnlyOnce()
    {
        var callers = new ConsoleCallers(new FakeTimeProvider());
        var token = callers.Issue(Browser);

        Assert.True(callers.TryRedeem(token, out var address));
        Assert.Equal(Browser, address);
        Assert.False(callers.TryRedeem(token, out _));
    }

    [Fact]
    public void MadeUpOrEmptyToken_IsNotRedeemed()
    {
        var callers = new ConsoleCallers(new FakeTimeProvider());
        _ = callers.Issue(Browser);

        Assert.False(callers.TryRedeem("made-up", out var address));
        Assert.Null(address);
        Assert.False(callers.TryRedeem(string.Empty, out _));
        Assert.False(callers.TryRedeem(null, out _));
    }

    [Fact]
    public void ExpiredToken_IsNotRedeemed()
    {
        var time = new FakeTimeProvider();
        var callers = new ConsoleCallers(time);
        var token = callers.Issue(Browser);

        time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(callers.TryRedeem(token, out _));
    }

    [Fact]
    public void Tokens_AreDistinct_AndCarryNoAddress()
    {
        var callers = new ConsoleCallers(new FakeTimeProvider());
        var tokens = Enumerable.Range(0, 100).Select(_ => callers.Issue(Browser)).ToList();

        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens, t => Assert.DoesNotContain("203.0.113.7", t, StringComparison.Ordinal));
        Assert.All(tokens, t => Assert.Equal(43, t.Length));
    }
}
