namespace QuantaSeal.AdminConsole.Tests;

/// <summary>Sessions and refusals in the browser: cookie flags, CSRF, scopes, revocation.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleSessionTests(ConsoleFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SessionCookie_IsHttpOnlyStrict_AndInvisibleToScripts_AndPagesCarryAStrictCsp()
    {
        var tenant = await fixture.CreateTenantAsync("cookies");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("Key").FillAsync("qs_live_not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The key was not accepted.");
        await Browse.CheckAsync(page, fixture, "sign-in-refused");

        await Browse.SignInAsync(page, tenant.ApiKey);
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "qs_console");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal("/console", session.Path);
        Assert.DoesNotContain(tenant.ApiKey, session.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("qs_console", await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        var response = await page.GotoAsync("/console/api-keys");
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        Assert.DoesNotContain(tenant.ApiKey, await page.ContentAsync(), StringComparison.Ordinal);

        // Sign out, by keyboard: the session cookie is gone and the pages ask for a key again.
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }));
        Assert.EndsWith("/console/sign-in", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "qs_console");
        await page.GotoAsync("/console/api-keys");
        Assert.Contains("/console/sign-in", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkipLink_IsTheFirstTabStop_IsVisibleWhenFocused_AndMovesFocusToTheContent()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/console/sign-in");

        await page.Keyboard.PressAsync("Tab");

        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("Key")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task ApiKeyCreation_ShowsTheKeyOnce_WithACopyButton_AndAFormWithoutAntiforgeryToken_IsRefused()
    {
        var tenant = await fixture.CreateTenantAsync("csrf");
        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, tenant.ApiKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();

        // Keyboard only: name, the proxy scope, submit.
        await page.GetByLabel("Name").FocusAsync();
        await page.Keyboard.TypeAsync("ci-runner");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Space");
        Assert.True(await page.Locator("input[name=Scopes][value=proxy]").IsCheckedAsync());
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Create key" }));
        var created = (await page.GetByTestId("created-key").TextContentAsync())!.Trim();
        var createdId = (await page.Locator("#new-key code").TextContentAsync())!.Trim();
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Copy key" }));
        Assert.Equal(created, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Browse.CheckAsync(page, fixture, "api-keys-created");
        await page.GotoAsync("/console/api-keys");
        Assert.DoesNotContain(created, await page.ContentAsync(), StringComparison.Ordinal);

        // Revoked by keyboard too: the API refuses the key from then on.
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {createdId}" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Revoked {createdId}");
        var refused = await Assert.ThrowsAsync<QuantaSeal.Client.QuantaSealApiException>(() => fixture.Server.Sdk(created).GetTenantAsync(Ct));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        // The same form posted with the session cookie but without the antiforgery token: refused, nothing created.
        var before = (await fixture.Server.Sdk(tenant.ApiKey).ListApiKeysAsync(Ct)).Count;
        var forged = await page.Context.APIRequest.PostAsync("/console/api-keys?handler=create", new()
        {
            Form = page.Context.APIRequest.CreateFormData().Set("Name", "forged").Append("Scopes", "admin").Set("Environment", "live"),
            MaxRedirects = 0,
        });
        Assert.Equal(400, forged.Status);
        Assert.Equal(before, (await fixture.Server.Sdk(tenant.ApiKey).ListApiKeysAsync(Ct)).Count);
    }

    [Fact]
    public async Task ProxyKey_CannotSignIn_NorOpenAdminPages_AndAnAuditKey_GetsOnlyTheReadOnlyAuditView()
    {
        var tenant = await fixture.CreateTenantAsync("scopes");
        var admin = fixture.Server.Sdk(tenant.ApiKey);
        var proxyKey = await admin.CreateApiKeyAsync("proxy-only", ["proxy"], cancellationToken: Ct);
        var auditKey = await admin.CreateApiKeyAsync("auditor", ["audit:read"], cancellationToken: Ct);

        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, proxyKey.ApiKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("neither the admin nor the audit:read scope");
        await page.GotoAsync("/console/api-keys");
        Assert.Contains("/console/sign-in", page.Url, StringComparison.Ordinal);

        var auditor = await fixture.NewPageAsync();
        await Browse.SignInAsync(auditor, auditKey.ApiKey);
        await Assertions.Expect(auditor.Locator("header")).ToContainTextAsync("audit:read key (read-only)");
        Assert.Equal(0, await auditor.GetByRole(AriaRole.Link, new() { Name = "API keys" }).CountAsync());
        var denied = await auditor.GotoAsync("/console/api-keys");
        Assert.Equal(403, denied!.Status);
        await Assertions.Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        await Browse.CheckAsync(auditor, fixture, "denied");
        await Browse.PressAsync(auditor, auditor.GetByRole(AriaRole.Link, new() { Name = "Back to the console" }));
        await Assertions.Expect(auditor.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Browse.CheckAsync(auditor, fixture, "overview-read-only");
        await auditor.GotoAsync("/console/audit");
        await Assertions.Expect(auditor.Locator("#audit-events")).ToBeVisibleAsync();
        await Browse.CheckAsync(auditor, fixture, "audit-read-only");
    }

    [Fact]
    public async Task RevokedKey_SessionEnds_OnItsNextRequest()
    {
        var tenant = await fixture.CreateTenantAsync("revoke");
        var admin = fixture.Server.Sdk(tenant.ApiKey);
        var second = await admin.CreateApiKeyAsync("second-admin", ["admin"], cancellationToken: Ct);

        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, second.ApiKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();

        await admin.RevokeApiKeyAsync(second.ApiKeyId, Ct);
        await page.GotoAsync("/console/integrations");

        Assert.Contains("/console/sign-in", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your session has ended");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "qs_console");
    }
}
