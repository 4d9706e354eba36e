using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace QuantaSeal.AdminConsole.Tests.Infrastructure;

/// <summary>What every console test does with a page: sign in, check accessibility and keyboard reach, keep a screenshot.</summary>
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
    /// Saves a full-page screenshot as <paramref name="name"/>.png, runs axe-core on the page and fails on any serious or
    /// critical violation (naming the rule and the elements), and checks that Tab alone reaches every visible control.
    /// </summary>
    public static async Task CheckAsync(IPage page, ConsoleFixture fixture, string name, bool walkWithTab = false)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotDirectory, name + ".png"), FullPage = true });
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe on {name} ({page.Url}): " + string.Join("; ", bad.Select(Describe)));
        fixture.AxeReport[name] = results.Violations.Length == 0 ? "no violations" : string.Join(", ", results.Violations.Select(v => $"{v.Id} ({v.Impact})"));
        await AssertInTabOrderAsync(page, name);
        if (walkWithTab)
        {
            await AssertKeyboardReachAsync(page, name);
        }
    }

    /// <summary>
    /// Every visible control is natively focusable and in the tab order (no negative or positive tabindex, nothing
    /// clickable that is not a link or a button); the full Tab walk (<see cref="AssertKeyboardReachAsync"/>) proves it on some pages.
    /// </summary>
    public static async Task AssertInTabOrderAsync(IPage page, string name)
    {
        var problems = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, [tabindex], [onclick]')]
              .filter(e => e.getClientRects().length > 0)
              .filter(e => e.tabIndex < 0 || e.tabIndex > 0 || (e.tagName === 'A' && !e.hasAttribute('href')) || e.hasAttribute('onclick'))
              .filter(e => e.id !== 'main')
              .map(e => e.outerHTML.slice(0, 120))
            """);
        Assert.True(problems.Length == 0, $"{name}: controls outside the tab order: " + string.Join("; ", problems));
    }

    /// <summary>Every visible link, button and form control is reached by pressing Tab from the top of the page.</summary>
    public static async Task AssertKeyboardReachAsync(IPage page, string name)
    {
        var controls = await page.EvaluateAsync<int>("""
            () => {
              const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])')]
                .filter(e => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
              all.forEach((e, i) => e.setAttribute('data-kb', String(i)));
              return all.length;
            }
            """);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        for (var i = 0; i < controls + 5 && reached.Count < controls; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var id = await page.EvaluateAsync<string?>("() => document.activeElement?.getAttribute('data-kb') ?? null");
            if (id is not null)
            {
                reached.Add(id);
            }
        }

        Assert.True(reached.Count == controls, $"{name}: Tab reached {reached.Count} of {controls} controls.");
    }

    private static string Describe(AxeResultItem v) =>
        $"{v.Id} [{v.Impact}] {v.Help}: " + string.Join(", ", v.Nodes.Take(3).Select(n => n.Html));
}
