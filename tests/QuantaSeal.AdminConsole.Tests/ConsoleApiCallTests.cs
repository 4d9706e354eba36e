namespace QuantaSeal.AdminConsole.Tests;

/// <summary>
/// What a console page costs the API, counted from the API calls the server receives with the session's key: the
/// whole-chain verification only when the user asks for it, each list once per answer.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleApiCallTests(ConsoleFixture fixture)
{
    private const string Verify = "GET /api/v2/audit/verify";
    private const string ListCredentials = "GET /api/v2/vault/credentials";
    private const string ListCredentialTypes = "GET /api/v2/vault/credential-types";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ApiRequests Calls => fixture.Server.ApiRequests;

    [Fact]
    public async Task AuditPageAndOverview_DoNotVerifyTheChain_UntilAsked_ThenShowTheResultAndItsTime()
    {
        var tenant = await fixture.CreateTenantAsync("verify-on-demand");
        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, tenant.ApiKey);

        var overview = await Calls.DuringAsync(tenant.ApiKey, () => page.GotoAsync("/console"));
        var audit = await Calls.DuringAsync(tenant.ApiKey, () => page.GotoAsync("/console/audit?outcome=success"));

        Assert.DoesNotContain(Verify, overview);
        Assert.DoesNotContain(Verify, audit);
        Assert.Contains(audit, c => c.StartsWith("GET /api/v2/audit/events", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("verify-badge")).ToHaveCountAsync(0);

        var verified = await Calls.DuringAsync(tenant.ApiKey, () => Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" })));

        Assert.Equal(1, verified.Count(c => c == Verify));
        await Assertions.Expect(page.GetByTestId("verify-badge")).ToContainTextAsync("Chain valid");
        await Assertions.Expect(page.GetByTestId("verified-at")).ToContainTextAsync("UTC");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("outcome=success"));
        await Browse.CheckAsync(page, fixture, "audit-verified");

        // Paging and filtering from there do not run it again.
        var filtered = await Calls.DuringAsync(tenant.ApiKey, () => Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Filter" })));
        Assert.DoesNotContain(Verify, filtered);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CredentialsPage_LoadsOnce_AndSealAndRotate_ListTheCredentialsOnce()
    {
        var tenant = await fixture.CreateTenantAsync("credentials-calls");
        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, tenant.ApiKey);
        var documents = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.ResourceType == "document")
            {
                documents.Add(request.Method + " " + new Uri(request.Url).PathAndQuery);
            }
        };

        var load = await Calls.DuringAsync(tenant.ApiKey, () => page.GotoAsync("/console/credentials?type=oauth2_client"));
        Assert.Equal(["GET /console/credentials?type=oauth2_client"], documents);
        Assert.Equal(1, load.Count(c => c == ListCredentials));
        Assert.Equal(1, load.Count(c => c == ListCredentialTypes));

        await page.GetByLabel("client_id").FillAsync(fixture.Auth0.ClientId);
        await page.GetByLabel("client_secret").FillAsync(fixture.Auth0.ClientSecret);
        documents.Clear();
        var seal = await Calls.DuringAsync(tenant.ApiKey, () => Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Seal" })));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sealed cred_");
        Assert.Single(documents);
        Assert.Equal(1, seal.Count(c => c == "POST /api/v2/vault/seal"));
        Assert.Equal(1, seal.Count(c => c == ListCredentials));
        Assert.Equal(1, seal.Count(c => c == ListCredentialTypes));

        var credentialId = (await fixture.Server.Sdk(tenant.ApiKey).ListCredentialsAsync(Ct)).Single().CredentialId;
        await page.GotoAsync("/console/credentials?rotate=" + credentialId);
        await page.GetByLabel("client_id").FillAsync(fixture.Auth0.ClientId);
        await page.GetByLabel("client_secret").FillAsync(fixture.Auth0.ClientSecret);
        var rotate = await Calls.DuringAsync(tenant.ApiKey, () => Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Rotate" })));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Rotated {credentialId} to version 2");
        Assert.Equal(1, rotate.Count(c => c == "PUT /api/v2/vault/credentials/" + credentialId));
        Assert.Equal(1, rotate.Count(c => c == ListCredentials));
        Assert.Equal(1, rotate.Count(c => c == ListCredentialTypes));
    }
}
