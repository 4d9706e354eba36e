using Microsoft.Playwright;
using QuantaSeal.Console.Tests.Infrastructure;

namespace QuantaSeal.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SmokeTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task SignInPage_PassesAxe()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console");
        Assert.EndsWith("/console/sign-in?return_url=%2Fconsole", page.Url, StringComparison.Ordinal);
        await Browse.CheckAsync(page, fixture, "sign-in");
    }
}
