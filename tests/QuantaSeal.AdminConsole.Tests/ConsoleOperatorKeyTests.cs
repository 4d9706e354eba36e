using System.Buffers.Text;
using System.Security.Cryptography;
using QuantaSeal.AdminConsole.Pages;
using QuantaSeal.Grains.Security;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.AdminConsole.Tests;

/// <summary>
/// The server accepts any operator key of 32 or more characters (only the generated ones start with <c>qs_op_</c>),
/// so the sign-in page tells tenant keys by their prefix and tries every other key as the operator key.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleOperatorKeyTests(ConsoleFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TenantKeyPrefixes_AreTheApiKeyFormatsPrefixes() =>
        Assert.Equal([ApiKeyFormat.LivePrefix, ApiKeyFormat.TestPrefix], SignInModel.TenantKeyPrefixes);

    [Fact]
    public async Task OperatorKey_WithoutTheGeneratedPrefix_SignsIn_AndCreatesATenant()
    {
        // An operator key as an operator may write it (the server's start-up message suggests openssl rand): 43
        // base64url characters, no qs_op_ prefix.
        var operatorKey = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        Assert.False(operatorKey.StartsWith("qs_", StringComparison.Ordinal));
        await using var server = new QuantaSealTestServer<Program>(state =>
        {
            var file = Path.Combine(state, "operator.key");
            File.WriteAllText(file, operatorKey);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return new Dictionary<string, string?>();
        });
        Assert.Equal(operatorKey, server.OperatorKey);

        var page = await fixture.NewPageAsync(server.BaseAddress);
        await Browse.SignInAsync(page, operatorKey);

        Assert.EndsWith("/console/operator", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("operator key");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("no-prefix");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }));
        var tenantId = (await page.GetByTestId("created-tenant").TextContentAsync())!.Trim();
        Assert.Equal("no-prefix", (await server.Sdk((await page.GetByTestId("tenant-api-key").TextContentAsync())!.Trim()).GetTenantAsync(Ct)).Name);
        Assert.StartsWith("ten_", tenantId, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
