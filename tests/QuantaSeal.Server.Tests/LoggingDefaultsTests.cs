using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

/// <summary>
/// Production-sane log levels without any appsettings.json: the framework's four per-request lines are off, and
/// configuration brings them back when an operator asks for them.
/// </summary>
public sealed class LoggingDefaultsTests
{
    private const string RequestLineCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FrameworkRequestLines_AreNotLogged_ByDefault()
    {
        await using var server = new QuantaSealServer("memory");
        using var http = server.Http();

        (await http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct)).Dispose();

        // Information lines of other categories still are (the silo logs its start), the request lines are not.
        Assert.Contains(server.Logs.Lines, l => l.StartsWith("Information Orleans.", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(" " + RequestLineCategory + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FrameworkRequestLines_AreLogged_WhenConfigurationAsksForThem()
    {
        await using var server = new QuantaSealServer("memory", settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        });
        using var http = server.Http();

        (await http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct)).Dispose();

        Assert.Contains(server.Logs.Lines, l => l.StartsWith("Information " + RequestLineCategory + ":", StringComparison.Ordinal));
    }
}
