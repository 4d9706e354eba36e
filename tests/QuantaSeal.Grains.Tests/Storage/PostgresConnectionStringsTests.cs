using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Grains.Tests.Storage;

public sealed class PostgresConnectionStringsTests
{
    [Fact]
    public void WithSafeTimeouts_AddsShortTimeouts_WhenMissing()
    {
        var result = PostgresConnectionStrings.WithSafeTimeouts("Host=db;Username=u;Password=p;Database=d");

        Assert.Contains("Timeout=5", result, StringComparison.Ordinal);
        Assert.Contains("Command Timeout=15", result, StringComparison.Ordinal);
    }

    [Fact]
    public void WithSafeTimeouts_KeepsTimeoutsTheCallerSet()
    {
        var result = PostgresConnectionStrings.WithSafeTimeouts("Host=db;Timeout=30;CommandTimeout=120");

        Assert.Contains("Timeout=30", result, StringComparison.Ordinal);
        Assert.Contains("Command Timeout=120", result, StringComparison.Ordinal);
        Assert.DoesNotContain("Timeout=5", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=hunter2;Database=d")]
    [InlineData("Host=db;PWD=hunter2")]
    [InlineData("Host=db;Password=hunter2;SSL Password=hunter2")]
    public void Redact_NeverReturnsThePassword(string connectionString)
    {
        var redacted = PostgresConnectionStrings.Redact(connectionString);

        Assert.DoesNotContain("hunter2", redacted, StringComparison.Ordinal);
        Assert.Contains("Host=db", redacted, StringComparison.Ordinal);
        Assert.Equal(redacted, PostgresConnectionStrings.ForLog(connectionString).ToString());
    }

    [Fact]
    public void Redact_DoesNotEchoAnUnparseableString()
    {
        Assert.Equal("(unparseable connection string)", PostgresConnectionStrings.Redact("Host=db;Password=hunter2;NoSuchKeyword=1"));
    }

    [Fact]
    public void WithSafeTimeouts_RejectsAnInvalidString_WithoutEchoingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresConnectionStrings.WithSafeTimeouts("Host=db;Password=hunter2;NoSuchKeyword=1"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }
}
