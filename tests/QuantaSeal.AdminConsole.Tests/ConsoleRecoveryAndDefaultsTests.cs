using QuantaSeal.Client.Encryption;

namespace QuantaSeal.AdminConsole.Tests;

/// <summary>The default recipient key and the operator's admin-key recovery, driven by keyboard in the browser.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleRecoveryAndDefaultsTests(ConsoleFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecipientKeys_MakeDefault_ChangesTheApisDefault_AndTheListShowsIt()
    {
        var tenant = await fixture.CreateTenantAsync("defaults");
        var admin = fixture.Server.Sdk(tenant.ApiKey);
        using var first = RecipientKey.Generate();
        using var second = RecipientKey.Generate();
        var firstKey = await admin.RegisterRecipientKeyAsync(first, "first", Ct);
        var secondKey = await admin.RegisterRecipientKeyAsync(second, "second", Ct);
        Assert.True(firstKey.IsDefault);
        Assert.False(secondKey.IsDefault);

        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, tenant.ApiKey);
        await page.GotoAsync("/console/recipient-keys");
        var firstRow = page.GetByTestId("recipient-key-row").Filter(new() { HasText = firstKey.RecipientKeyId });
        var secondRow = page.GetByTestId("recipient-key-row").Filter(new() { HasText = secondKey.RecipientKeyId });
        await Assertions.Expect(firstRow.GetByTestId("default-key")).ToBeVisibleAsync();
        await Assertions.Expect(secondRow.GetByTestId("default-key")).ToHaveCountAsync(0);

        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Make default {secondKey.RecipientKeyId}" }));

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{secondKey.RecipientKeyId} is now the default recipient key");
        await Assertions.Expect(secondRow.GetByTestId("default-key")).ToBeVisibleAsync();
        await Assertions.Expect(firstRow.GetByTestId("default-key")).ToHaveCountAsync(0);
        await Assertions.Expect(firstRow.GetByRole(AriaRole.Button, new() { Name = $"Make default {firstKey.RecipientKeyId}" })).ToBeVisibleAsync();
        var keys = (await admin.GetKeysAsync(Ct)).RecipientKeys;
        Assert.Equal(secondKey.RecipientKeyId, Assert.Single(keys, k => k.IsDefault).RecipientKeyId);
        await Browse.CheckAsync(page, fixture, "recipient-keys-default");
    }

    [Fact]
    public async Task Operator_RecoversAnAdminKey_ShownOnceWithACopyButton_AndTheRecoveredKeySignsIn()
    {
        var tenant = await fixture.CreateTenantAsync("locked-out");
        var op = await fixture.NewPageAsync();
        await Browse.SignInAsync(op, fixture.Server.OperatorKey);

        await op.GetByLabel("Tenant id").FillAsync(tenant.TenantId);
        await op.GetByLabel("Key name (optional)").FillAsync("after-lockout");
        await Browse.PressAsync(op, op.GetByRole(AriaRole.Button, new() { Name = "Recover admin key" }));

        var recovered = (await op.GetByTestId("recovered-key").TextContentAsync())!.Trim();
        Assert.StartsWith("qs_live_", recovered, StringComparison.Ordinal);
        await Browse.PressAsync(op, op.GetByRole(AriaRole.Button, new() { Name = "Copy admin key" }));
        Assert.Equal(recovered, await op.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Browse.CheckAsync(op, fixture, "operator-admin-key-recovered");
        await op.GotoAsync("/console/operator");
        Assert.DoesNotContain(recovered, await op.ContentAsync(), StringComparison.Ordinal);

        // The recovered key is an admin key of that tenant: it signs in to the admin console.
        var admin = await fixture.NewPageAsync();
        await Browse.SignInAsync(admin, recovered);
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("header")).ToContainTextAsync(tenant.TenantId);
        await Assertions.Expect(admin.Locator("header")).ToContainTextAsync("admin key");
        var keys = await fixture.Server.Sdk(recovered).ListApiKeysAsync(Ct);
        Assert.Contains(keys, k => k.Name == "after-lockout" && k.Scopes.Contains("admin"));
    }

    [Fact]
    public async Task Operator_RecoveryForAnUnknownTenant_IsRefused_AndShowsNoKey()
    {
        var op = await fixture.NewPageAsync();
        await Browse.SignInAsync(op, fixture.Server.OperatorKey);

        await op.GetByLabel("Tenant id").FillAsync("ten_01JZZZZZZZZZZZZZZZZZZZZZZZ");
        await Browse.PressAsync(op, op.GetByRole(AriaRole.Button, new() { Name = "Recover admin key" }));

        await Assertions.Expect(op.GetByRole(AriaRole.Alert)).ToContainTextAsync("no such tenant");
        Assert.Equal(0, await op.GetByTestId("recovered-key").CountAsync());
        await Browse.CheckAsync(op, fixture, "operator");
    }
}
