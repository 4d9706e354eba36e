using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>The per-address failed-authentication budget and the negative cache, without a server.</summary>
public sealed class FailedAuthenticationTests
{
    private static DefaultHttpContext From(string address) =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    private static FailedAuthentication Create(FakeTimeProvider time, int burst = 3, int trackedAddresses = 100_000) =>
        new(Options.Create(new RateLimitOptions
        {
            FailedAuthBurst = burst, FailedAuthPerSecond = 1, Period = TimeSpan.FromHours(1), UnknownKeyCacheSize = 16, FailedAuthTrackedAddresses = trackedAddresses,
        }), time);

    [Fact]
    public void AFloodFromManyAddresses_NeverTracksMoreThanTheCap_AndTheAddressesThatSpentTheirBudgetStayThrottled()
    {
        var time = new FakeTimeProvider();
        using var failures = Create(time, burst: 3, trackedAddresses: 20);
        var attacker = From("198.51.100.1");
        for (var i = 0; i < 3; i++)
        {
            failures.RecordFailure(attacker);
        }

        // 1,000 other addresses fail once each (none of their buckets refills within the hour-long period).
        var most = 0;
        for (var i = 0; i < 1000; i++)
        {
            failures.RecordFailure(From($"2001:db8:{i / 256:x}:{i % 256:x}::1"));
            most = Math.Max(most, failures.TrackedAddresses);
        }

        Assert.True(most <= 20, $"tracked {most} addresses, cap 20");
        Assert.True(failures.IsThrottled(attacker));
    }

    [Fact]
    public void AnAddress_IsThrottled_OnceItsBudgetIsSpent_AndOthersAreNot()
    {
        using var failures = Create(new FakeTimeProvider());
        var attacker = From("203.0.113.7");

        var before = failures.IsThrottled(attacker);
        for (var i = 0; i < 3; i++)
        {
            failures.RecordFailure(attacker);
        }

        Assert.False(before);
        Assert.True(failures.IsThrottled(attacker));
        Assert.NotNull(FailedAuthentication.ThrottledFor(attacker));
        Assert.False(failures.IsThrottled(From("203.0.113.8")));
    }

    [Fact]
    public void IPv6Addresses_ShareTheBudgetOfTheir64()
    {
        using var failures = Create(new FakeTimeProvider(), burst: 2);

        failures.RecordFailure(From("2001:db8:1:2::1"));
        failures.RecordFailure(From("2001:db8:1:2::ffff"));

        Assert.True(failures.IsThrottled(From("2001:db8:1:2:abcd::9")));
        Assert.False(failures.IsThrottled(From("2001:db8:1:3::1")));
    }

    [Fact]
    public void UnknownKeyIds_AreRemembered_UntilTheyExpire()
    {
        var time = new FakeTimeProvider();
        using var failures = Create(time);

        failures.RememberUnknown("ak_01JAAAAAAAAAAAAAAAAAAAAAAA");
        var remembered = failures.IsKnownUnknown("ak_01JAAAAAAAAAAAAAAAAAAAAAAA");
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(remembered);
        Assert.False(failures.IsKnownUnknown("ak_01JAAAAAAAAAAAAAAAAAAAAAAA"));
        Assert.False(failures.IsKnownUnknown("ak_01JBBBBBBBBBBBBBBBBBBBBBBB"));
    }

    [Fact]
    public void TheNegativeCache_NeverGrowsPastItsSize()
    {
        using var failures = Create(new FakeTimeProvider());

        for (var i = 0; i < 1000; i++)
        {
            failures.RememberUnknown("ak_" + i.ToString("D26", System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.True(Enumerable.Range(0, 1000).Count(i => failures.IsKnownUnknown("ak_" + i.ToString("D26", System.Globalization.CultureInfo.InvariantCulture))) <= 16);
    }

    [Fact]
    public void TheBudget_Refills_OverThePeriod()
    {
        var time = new FakeTimeProvider();
        using var failures = Create(time, burst: 2);
        var client = From("198.51.100.1");
        failures.RecordFailure(client);
        failures.RecordFailure(client);

        var spent = failures.IsThrottled(client);
        var retryAfter = FailedAuthentication.ThrottledFor(client);
        time.Advance(TimeSpan.FromHours(1));

        Assert.True(spent);
        Assert.Equal(TimeSpan.FromHours(1), retryAfter);
        Assert.False(failures.IsThrottled(From("198.51.100.1")));
    }
}
