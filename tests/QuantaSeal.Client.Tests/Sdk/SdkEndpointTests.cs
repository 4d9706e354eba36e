using System.Net;
using System.Text.Json;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Tests.Audit;
using SdkEncryption = QuantaSeal.Client.Encryption.Encryption;

namespace QuantaSeal.Client.Tests.Sdk;

/// <summary>
/// The SDK against the real server and the emulators, for what the console and users need: credential types,
/// credentials, connectors, integrations and their checks, the echo, the default recipient key, the operator's
/// recovery path, the proxy's <c>paging</c> and <c>rate_limit</c>, and <c>client.Encryption.Decrypt(envelope)</c>.
/// </summary>
public sealed class SdkEndpointTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CredentialTypes_DescribeTheSealForm_AndConnectors_TheOperationsAndTheirScopes()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);

        var types = await tenant.Client.ListCredentialTypesAsync(Ct);
        var connectors = await tenant.Client.ListConnectorsAsync(Ct);

        var oauth = Assert.Single(types, t => t.CredentialType == "oauth2_client");
        Assert.Contains("auth0", oauth.SystemTypes);
        Assert.True(Assert.Single(oauth.Fields, f => f.Name == "client_secret").Secret);
        Assert.False(Assert.Single(oauth.Fields, f => f.Name == "client_id").Secret);
        Assert.False(Assert.Single(oauth.Fields, f => f.Name == "audience").Required);
        var getUsers = Assert.Single(Assert.Single(connectors, c => c.SystemType == "auth0").Operations, o => o.Name == "get_users");
        Assert.Contains("read:users", getUsers.RequiredScopes);
        Assert.False(getUsers.IsWrite);
        Assert.Contains(connectors, c => c.SystemType == "okta");
    }

    [Fact]
    public async Task Credentials_SealGetRotate_AndDeleteIsRefusedWhileAnIntegrationUsesIt()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var sdk = tenant.Client;

        var credential = await SealAuth0Async(sdk);
        var read = await sdk.GetCredentialAsync(credential.CredentialId, Ct);
        Assert.Equal((credential.CredentialType, credential.Fingerprint, credential.Version), (read.CredentialType, read.Fingerprint, read.Version));
        Assert.Contains(await sdk.ListCredentialsAsync(Ct), c => c.CredentialId == credential.CredentialId);
        var rotated = await sdk.RotateCredentialAsync(credential.CredentialId, Auth0Values(), Ct);
        Assert.Equal(credential.Version + 1, rotated.Version);
        var integration = await sdk.CreateIntegrationAsync("auth0", "in-use", Auth0Domain, credential.CredentialId, ["get_users"], Ct);

        var inUse = await Assert.ThrowsAsync<QuantaSealApiException>(() => sdk.DeleteCredentialAsync(credential.CredentialId, Ct));

        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        Assert.EndsWith("credential-in-use", inUse.ProblemType, StringComparison.Ordinal);
        Assert.Contains(integration.IntegrationId, inUse.Detail, StringComparison.Ordinal);
        await sdk.DeleteIntegrationAsync(integration.IntegrationId, Ct);
        Assert.Equal(credential.CredentialId, (await sdk.DeleteCredentialAsync(credential.CredentialId, Ct)).CredentialId);
        var gone = await Assert.ThrowsAsync<QuantaSealApiException>(() => sdk.GetCredentialAsync(credential.CredentialId, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Integrations_CreateListGetUpdateCheckDelete()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var sdk = tenant.Client;
        var credential = await SealAuth0Async(sdk);

        var created = await sdk.CreateIntegrationAsync("auth0", "acme", Auth0Domain, credential.CredentialId, ["get_users"], Ct);
        Assert.Contains(await sdk.ListIntegrationsAsync(Ct), i => i.IntegrationId == created.IntegrationId);
        Assert.Equal(["get_users"], (await sdk.GetIntegrationAsync(created.IntegrationId, Ct)).AllowedOperations);
        var updated = await sdk.UpdateIntegrationAsync(created.IntegrationId, allowedOperations: ["get_users", "get_user"], cancellationToken: Ct);
        Assert.Equal(["get_user", "get_users"], updated.AllowedOperations.Order(StringComparer.Ordinal));
        Assert.Equal("acme", updated.Name);

        var check = await sdk.CheckIntegrationAsync(created.IntegrationId, Ct);

        Assert.True(check.Ok, check.ErrorMessage);
        Assert.Empty(check.MissingScopes);
        Assert.Contains("read:users", check.GrantedScopes);
        await sdk.DeleteIntegrationAsync(created.IntegrationId, Ct);
        var gone = await Assert.ThrowsAsync<QuantaSealApiException>(() => sdk.GetIntegrationAsync(created.IntegrationId, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Proxy_ExposesRateLimit_AndClientEncryptionDecrypt_OpensTheEnvelope()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var sdk = tenant.Client;
        var credential = await SealAuth0Async(sdk);
        var integration = await sdk.CreateIntegrationAsync("auth0", "acme", Auth0Domain, credential.CredentialId, ["get_users"], Ct);

        var response = await sdk.ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 2, page = 0 }, cancellationToken: Ct);

        Assert.True(response.Success, response.ErrorType);
        Assert.NotNull(response.RateLimit);
        Assert.NotNull(response.RateLimit.Number("limit"));
        Assert.NotNull(response.RateLimit.Number("remaining"));
        using var users = JsonDocument.Parse(sdk.Encryption.Decrypt(response.Envelope!));
        Assert.Equal(JsonValueKind.Array, users.RootElement.ValueKind);
        Assert.True(users.RootElement[0].TryGetProperty("user_id", out _));
    }

    [Fact]
    public async Task Proxy_ExposesPaging_WithTheNextCursor()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var sdk = tenant.Client;
        var credential = await sdk.SealCredentialAsync("api_key", new { api_token = fixture.Okta.ApiToken }, cancellationToken: Ct);
        var integration = await sdk.CreateIntegrationAsync("okta", "okta", fixture.Okta.BaseUri.AbsoluteUri.TrimEnd('/'), credential.CredentialId, ["list_users"], Ct);

        var first = await sdk.ProxyAsync(integration.IntegrationId, "list_users", new { limit = 2 }, cancellationToken: Ct);

        Assert.True(first.Success, first.ErrorType);
        Assert.NotNull(first.Paging);
        Assert.False(string.IsNullOrEmpty(first.Paging.NextCursor));
        Assert.Equal(first.NextCursor, first.Paging.NextCursor);
        var second = await sdk.ProxyAsync(integration.IntegrationId, "list_users", new { limit = 2, after = first.Paging.NextCursor }, cancellationToken: Ct);
        using var page1 = JsonDocument.Parse(sdk.Encryption.Decrypt(first.Envelope!));
        using var page2 = JsonDocument.Parse(sdk.Encryption.Decrypt(second.Envelope!));
        Assert.NotEqual(page1.RootElement[0].GetProperty("id").GetString(), page2.RootElement[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Echo_IsSealedToTheDefaultRecipientKey_AndSetDefaultRecipientKeySwitchesIt()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var sdk = tenant.Client;
        using var second = RecipientKey.Generate();
        var secondKey = await sdk.RegisterRecipientKeyAsync(second, "second", Ct);
        Assert.False(secondKey.IsDefault);

        var toFirst = await sdk.EchoAsync(new { hello = "first" }, cancellationToken: Ct);
        Assert.Equal(tenant.RecipientKeyId, toFirst.Encrypted.RecipientKeyId);
        Assert.Contains("first", sdk.Encryption.DecryptString(toFirst), StringComparison.Ordinal);

        var chosen = await sdk.SetDefaultRecipientKeyAsync(secondKey.RecipientKeyId, Ct);

        Assert.True(chosen.IsDefault);
        var toSecond = await sdk.EchoAsync(new { hello = "second" }, cancellationToken: Ct);
        Assert.Equal(secondKey.RecipientKeyId, toSecond.Encrypted.RecipientKeyId);
        var keys = await sdk.GetKeysAsync(Ct);
        using var secondOpener = new SdkEncryption(keys.SigningPublicKeysById(), tenant.Created.HmacKey, second, tenant.Created.TenantId);
        Assert.Contains("second", secondOpener.DecryptString(toSecond), StringComparison.Ordinal);
        Assert.Equal(secondKey.RecipientKeyId, Assert.Single(keys.RecipientKeys, k => k.IsDefault).RecipientKeyId);
    }

    [Fact]
    public async Task RecoverAdminKey_IssuesAnAdminKey_InTheRequestedEnvironment()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);

        var recovered = await fixture.Server.Sdk(null).RecoverAdminKeyAsync(fixture.Server.OperatorKey, tenant.Created.TenantId, "rescue", "test", Ct);

        Assert.StartsWith("qs_test_", recovered.ApiKey, StringComparison.Ordinal);
        Assert.Equal(["admin"], recovered.Scopes);
        var keys = await fixture.Server.Sdk(recovered.ApiKey).ListApiKeysAsync(Ct);
        Assert.Contains(keys, k => k.ApiKeyId == recovered.ApiKeyId && k.Name == "rescue" && k.Environment == "test");
    }

    [Fact]
    public async Task ApiException_CarriesTheRetryAfterOfA429()
    {
        var handler = new FakeHttpHandler(_ =>
        {
            var answer = FakeHttpHandler.Json("""{"type":"https://quantaseal.dev/problems/rate-limited","title":"Too many requests.","status":429}""", HttpStatusCode.TooManyRequests);
            answer.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return answer;
        });

        var refused = await Assert.ThrowsAsync<QuantaSealApiException>(() => handler.Client().GetTenantAsync(Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.RetryAfter);
    }

    private string Auth0Domain => fixture.Auth0.BaseUri.AbsoluteUri.TrimEnd('/');

    private object Auth0Values() => new { client_id = fixture.Auth0.ClientId, client_secret = fixture.Auth0.ClientSecret, audience = fixture.Auth0.Audience };

    private Task<Vault.CredentialDetails> SealAuth0Async(QuantaSealClient sdk) => sdk.SealCredentialAsync("oauth2_client", Auth0Values(), "auth0-m2m", Ct);
}
