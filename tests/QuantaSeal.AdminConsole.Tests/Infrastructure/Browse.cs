using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace QuantaSeal.AdminConsole.Tests.Infrastructure;

/// <summary>What every console test does with a page: sign in, check accessibility and keyboard reach, keep a screenshot.</summary>
public static class Browse
{
    /// <summary>Controls a keyboard user can reach: what the Tab walk must visit, in document order.</summary>
    private const string Focusable = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex=\"-1\"])";

    /// <summary>Types the key and presses Enter on "Sign in" (reached with Tab).</summary>
    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("Key").FillAsync(key);
        await PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        // Load, not DOMContentLoaded: once in a few runs Playwright saw the new document's load and network-idle events
        // but still waited 30 s for its DOMContentLoaded. Load comes after DOMContentLoaded, so this waits no less.
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>
    /// Reaches <paramref name="target"/> with Tab alone, starting at the page's first tab stop (the skip link), and
    /// presses <paramref name="key"/> on it: Enter follows a link or submits a form, Space ticks a box. Fails when Tab
    /// never gets there.
    /// </summary>
    public static async Task PressAsync(IPage page, ILocator target, string key = "Enter")
    {
        var element = await target.ElementHandleAsync();
        var stops = await StartWalkAsync(page);
        for (var i = 0; i <= stops; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await element.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                // The locator's press (not page.Keyboard's) waits for the navigation it starts; focus is already there.
                await target.PressAsync(key);
                return;
            }
        }

        Assert.Fail($"Tab never reached {await element.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")} on {page.Url}.");
    }

    /// <summary>
    /// Saves a full-page screenshot as <paramref name="name"/>.png, runs axe-core on the page and fails on any serious or
    /// critical violation (naming the rule and the elements), checks that every control is in the tab order and walks
    /// the page with Tab (<see cref="AssertKeyboardReachAsync"/>).
    /// </summary>
    public static async Task CheckAsync(IPage page, ConsoleFixture fixture, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotDirectory, name + ".png"), FullPage = true });
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe on {name} ({page.Url}): " + string.Join("; ", bad.Select(Describe)));
        fixture.AxeReport[name] = results.Violations.Length == 0 ? "no violations" : string.Join(", ", results.Violations.Select(v => $"{v.Id} ({v.Impact})"));
        await AssertInTabOrderAsync(page, name);
        await AssertKeyboardReachAsync(page, name);
    }

    /// <summary>
    /// Every visible control is natively focusable and in the tab order (no negative or positive tabindex, so the tab
    /// order is the document order; nothing clickable that is not a link or a button).
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

    /// <summary>
    /// The Tab walk: from the skip link (the first tab stop, which must be on screen when focused), Tab alone reaches
    /// every visible link, button and form control, in document order, and each shows a visible focus outline.
    /// </summary>
    public static async Task AssertKeyboardReachAsync(IPage page, string name)
    {
        var controls = await StartWalkAsync(page);
        var skip = await page.EvaluateAsync<double[]>("() => { const r = document.activeElement.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }");
        Assert.True(skip[0] >= 0 && skip[1] >= 0 && skip[2] > 0 && skip[3] > 0, $"{name}: the focused skip link is off screen ({string.Join(", ", skip)}).");

        var reached = new List<int> { 0 };
        var unmarked = new List<string>();
        for (var i = 0; i < controls + 5 && reached.Count < controls; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = FocusStop.Parse(await page.EvaluateAsync<string>("""
                () => {
                  const e = document.activeElement;
                  const s = e ? getComputedStyle(e) : null;
                  const index = e?.hasAttribute('data-kb') ? e.getAttribute('data-kb') : '-1';
                  const outlined = !!s && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                  return index + '|' + (outlined ? '1' : '0') + '|' + (e ? e.outerHTML.slice(0, 100) : '');
                }
                """));
            if (stop.Index < 0)
            {
                continue;
            }

            if (!stop.Outlined)
            {
                unmarked.Add(stop.Html);
            }

            reached.Add(stop.Index);
        }

        Assert.True(reached.Count == controls, $"{name}: Tab reached {reached.Distinct().Count()} of {controls} controls.");
        Assert.True(reached.SequenceEqual(Enumerable.Range(0, controls)), $"{name}: Tab order differs from document order: {string.Join(" ", reached)}.");
        Assert.True(unmarked.Count == 0, $"{name}: focus not visible on: " + string.Join("; ", unmarked));
    }

    /// <summary>Numbers the page's reachable controls in document order and focuses the first one, the skip link; returns how many there are.</summary>
    private static async Task<int> StartWalkAsync(IPage page)
    {
        var controls = await page.EvaluateAsync<int>($$"""
            () => {
              document.querySelectorAll('[data-kb]').forEach(e => e.removeAttribute('data-kb'));
              const all = [...document.querySelectorAll('{{Focusable}}')]
                .filter(e => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
              all.forEach((e, i) => e.setAttribute('data-kb', String(i)));
              return all.length;
            }
            """);
        var skip = page.Locator("a.skip");
        Assert.Equal("0", await skip.GetAttributeAsync("data-kb"));
        await skip.FocusAsync();
        return controls;
    }

    private static string Describe(AxeResultItem v) =>
        $"{v.Id} [{v.Impact}] {v.Help}: " + string.Join(", ", v.Nodes.Take(3).Select(n => n.Html));

    /// <summary>Where Tab put the focus: the control's number (-1 when not one of them), whether its outline shows, its markup.</summary>
    private sealed record FocusStop(int Index, bool Outlined, string Html)
    {
        public static FocusStop Parse(string text)
        {
            var parts = text.Split('|', 3);
            return new FocusStop(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1] == "1", parts[2]);
        }
    }
}
