using Npgsql;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.AdminConsole.Tests;

/// <summary>
/// The scenario in Debian's chromium against the real server (PostgreSQL, durable audit) and the Auth0
/// emulator: an operator creates a tenant; its admin registers a recipient key, seals an Auth0 credential, creates an
/// integration by ticking operations, checks the connection, runs an allowed call and a denied one, sees the denied
/// call in the audit table and, on asking, "chain valid"; after a stored event is altered, the badge names the first bad seq.
/// Every page on the way passes axe (no serious or critical violation) and Tab reaches each of its controls.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleScenarioTests(ConsoleFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OperatorAndAdmin_RunTheWholeScenario_InTheBrowser()
    {
        // The operator creates a tenant; its secrets are on that one page, with download links.
        var op = await fixture.NewPageAsync();
        await Browse.SignInAsync(op, fixture.Server.OperatorKey);
        Assert.EndsWith("/console/operator", op.Url, StringComparison.Ordinal);
        await op.GetByLabel("Name", new() { Exact = true }).FillAsync("acme");
        await Browse.PressAsync(op, op.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }));
        var apiKey = (await op.GetByTestId("tenant-api-key").TextContentAsync())!.Trim();
        var tenantId = (await op.GetByTestId("created-tenant").TextContentAsync())!.Trim();
        var hmacKey = Convert.FromBase64String((await op.Locator("#tenant-hmac").TextContentAsync())!.Trim());
        Assert.StartsWith("qs_live_", apiKey, StringComparison.Ordinal);
        var download = await op.RunAndWaitForDownloadAsync(() => op.GetByRole(AriaRole.Link, new() { Name = "Download hmac.b64" }).ClickAsync());
        Assert.Equal(Convert.ToBase64String(hmacKey), (await File.ReadAllTextAsync((await download.PathAsync())!, Ct)).Trim());
        await Browse.CheckAsync(op, fixture, "operator-tenant-created");
        await op.GotoAsync("/console/operator");
        Assert.Equal(0, await op.GetByTestId("tenant-api-key").CountAsync());

        // The admin signs in with the key and lands on the overview.
        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, apiKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync(tenantId);

        // Registers a recipient key (the private half stays in this test, like in a client).
        using var recipient = RecipientKey.Generate();
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Recipient keys" }));
        await page.GetByLabel("Label (optional)").FillAsync("laptop");
        await page.GetByLabel("Public key (standard base64, 1184 bytes)").FillAsync(recipient.PublicKeyBase64);
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Register" }));
        // Proof of possession: the page shows a challenge to the key; only the private half answers it.
        var challengeJson = await page.GetByLabel("Challenge (save as challenge.json)").InputValueAsync();
        using (var challenge = System.Text.Json.JsonDocument.Parse(challengeJson))
        {
            var proof = recipient.ProveRegistration(
                tenantId,
                challenge.RootElement.GetProperty("challenge_id").GetString()!,
                Convert.FromBase64String(challenge.RootElement.GetProperty("ciphertext_kem").GetString()!));
            await page.GetByLabel("Proof (the line the command printed, or its proof field)").FillAsync(Convert.ToBase64String(proof));
        }

        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Complete registration" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Registered recipient key rk_");
        await Browse.CheckAsync(page, fixture, "recipient-keys");

        // Seals the Auth0 M2M credential with the form generated from the credential types.
        await page.GetByRole(AriaRole.Link, new() { Name = "Credentials" }).ClickAsync();
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "oauth2_client", Exact = true }));
        await page.GetByLabel("client_id").FillAsync(fixture.Auth0.ClientId);
        await page.GetByLabel("client_secret").FillAsync(fixture.Auth0.ClientSecret);
        await page.GetByLabel("audience (optional)").FillAsync(fixture.Auth0.Audience);
        await Browse.CheckAsync(page, fixture, "credentials-seal-form");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Seal" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sealed cred_");
        Assert.DoesNotContain(fixture.Auth0.ClientSecret, await page.ContentAsync(), StringComparison.Ordinal);
        await Browse.CheckAsync(page, fixture, "credentials");

        // Creates an integration from the catalog by ticking operations (each shows the scopes it needs).
        await page.GetByRole(AriaRole.Link, new() { Name = "Integrations" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "auth0" }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("acme-auth0");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Domain", Exact = true }).FillAsync(fixture.Auth0.BaseUri.AbsoluteUri.TrimEnd('/'));
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Credential", Exact = true }).SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await Assertions.Expect(page.Locator("label[for=op-get_users]")).ToContainTextAsync("read:users");
        await page.Locator("#op-get_users").CheckAsync();
        await page.Locator("#op-get_user").CheckAsync();
        await Browse.CheckAsync(page, fixture, "integrations-create");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Create integration" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Created int_");

        // Checks the connection: a token, its granted scopes, nothing missing.
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Check connection" }));
        await Assertions.Expect(page.GetByTestId("check-result")).ToContainTextAsync("Token obtained");
        await Assertions.Expect(page.GetByTestId("check-result")).ToContainTextAsync("Missing scopes: none");

        // Runs an allowed call: status, audit event and an envelope that opens with the client's keys only.
        await page.GetByLabel("Operation").SelectOptionAsync("get_users");
        await page.GetByLabel("Payload (JSON, the vendor's field names)").FillAsync("{\"per_page\": 3, \"page\": 0}");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Run" }));
        await Assertions.Expect(page.GetByTestId("call-status")).ToHaveTextAsync("200");
        Assert.StartsWith("aud_", await page.GetByTestId("call-audit-event").TextContentAsync(), StringComparison.Ordinal);
        var envelope = HybridEnvelope.FromJson((await page.Locator("pre[aria-label='Envelope JSON']").TextContentAsync())!);
        var keys = await fixture.Server.Sdk(apiKey).GetKeysAsync(Ct);
        using (var opener = new Encryption(keys.SigningPublicKeysById(), hmacKey, recipient, tenantId))
        {
            Assert.Contains("\"user_id\"", opener.DecryptString(envelope), StringComparison.Ordinal);
        }

        await Assertions.Expect(page.Locator("#cli-command")).ToContainTextAsync("quantaseal envelope open envelope.json");
        await Browse.CheckAsync(page, fixture, "integration-call");

        // Runs an operation that is not allowed: denied, and audited as denied.
        await page.GetByLabel("Operation").SelectOptionAsync("delete_user");
        await page.GetByLabel("Payload (JSON, the vendor's field names)").FillAsync("{\"id\": \"auth0|1\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("call-status")).ToHaveTextAsync("403");
        var deniedEvent = (await page.GetByTestId("call-audit-event").TextContentAsync())!.Trim();

        // The audit table shows the denied call (filtered with the form, by keyboard); the chain verifies.
        await page.GotoAsync("/console/audit");
        await page.GetByLabel("Outcome").SelectOptionAsync("denied");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Filter" }));
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("outcome=denied"));
        await WaitUntilAsync(page, async () => await page.Locator($"a[href='/console/audit/events/{deniedEvent}']").CountAsync() == 1);
        var row = page.Locator("#audit-events tbody tr", new() { Has = page.Locator($"a[href='/console/audit/events/{deniedEvent}']") });
        await Assertions.Expect(row).ToContainTextAsync("proxy.outbound");
        await Assertions.Expect(row).ToContainTextAsync("delete_user");
        await Assertions.Expect(row).ToContainTextAsync("denied");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }));
        await Assertions.Expect(page.GetByTestId("verify-badge")).ToContainTextAsync("Chain valid");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("outcome=denied"));
        await Browse.CheckAsync(page, fixture, "audit");
        var deniedSeq = long.Parse((await row.Locator("td").First.TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        await Browse.PressAsync(page, page.Locator($"a[href='/console/audit/events/{deniedEvent}']"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inclusion proof" })).ToBeVisibleAsync();
        await Browse.CheckAsync(page, fixture, "audit-event");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Back to the audit table" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit chain" })).ToBeVisibleAsync();

        var export = await page.GotoAsync("/console/audit");
        var ndjson = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download NDJSON export" }).ClickAsync());
        Assert.Contains(deniedEvent, await File.ReadAllTextAsync((await ndjson.PathAsync())!, Ct), StringComparison.Ordinal);

        await page.GotoAsync("/console");
        await Browse.CheckAsync(page, fixture, "overview");

        // Someone with database access rewrites the denied event as a success: the badge names its seq.
        await using (var connection = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var tamper = new NpgsqlCommand(
                "ALTER TABLE audit_events DISABLE TRIGGER USER; UPDATE audit_events SET outcome = 'success' WHERE tenant_id = @t AND event_id = @e; ALTER TABLE audit_events ENABLE TRIGGER USER;",
                connection);
            tamper.Parameters.AddWithValue("t", tenantId);
            tamper.Parameters.AddWithValue("e", deniedEvent);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync(Ct));
        }

        await page.GotoAsync("/console/audit");
        await Browse.PressAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }));
        await Assertions.Expect(page.GetByTestId("verify-badge")).ToContainTextAsync($"Chain broken at seq {deniedSeq}");
        await Browse.CheckAsync(page, fixture, "audit-tampered");
    }

    /// <summary>Reloads the page until <paramref name="condition"/> holds (the audit chain is appended asynchronously).</summary>
    internal static Task WaitUntilAsync(IPage page, Func<Task<bool>> condition) =>
        WaitUntil.TrueAsync(
            async () =>
            {
                if (await condition())
                {
                    return true;
                }

                await page.ReloadAsync();
                return false;
            },
            TimeSpan.FromSeconds(30),
            () => "the page to show the expected state",
            Ct,
            TimeSpan.FromMilliseconds(250));
}
