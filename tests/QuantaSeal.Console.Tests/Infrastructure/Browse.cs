using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace QuantaSeal.Console.Tests.Infrastructure;

/// <summary>What every console test does with a page: sign in, check accessibility, keep a screenshot.</summary>
public static class Browse
{
    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("Key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>
    /// Runs axe-core on the page (WCAG 2.x A/AA rules and best practices) and fails on any serious or critical
    /// violation, naming the rule and the elements; then saves a full-page screenshot as <paramref name="name"/>.png.
    /// </summary>
    public static async Task CheckAsync(IPage page, ConsoleFixture fixture, string name)
    {
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotDirectory, name + ".png"), FullPage = true });
        Assert.True(bad.Count == 0, $"axe on {name} ({page.Url}): " + string.Join("; ", bad.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"{v.Id} [{v.Impact}] {v.Help}: " + string.Join(", ", v.Nodes.Take(3).Select(n => n.Html));
}
