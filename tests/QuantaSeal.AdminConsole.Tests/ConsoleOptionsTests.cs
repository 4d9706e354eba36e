using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantaSeal.AdminConsole.Hosting;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Tests;

/// <summary>The console's options are read once: the values checked at start are the ones every console service runs with.</summary>
public sealed class ConsoleOptionsTests
{
    [Fact]
    public async Task Options_AreBoundOnce_TheCheckedValuesAreTheOnesInUse()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["QuantaSeal:Console:IdleTimeout"] = "00:05:00" });
        Assert.True(builder.AddQuantaSealConsole());

        // A value that changes after the console checked its options (a reload, another source) does not reach it
        // unchecked: one second is below the allowed minute.
        builder.Configuration["QuantaSeal:Console:IdleTimeout"] = "00:00:01";
        await using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        var cookie = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsolePolicies.Scheme);
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(options.IdleTimeout, cookie.ExpireTimeSpan);
    }
}
