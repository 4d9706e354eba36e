using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Client;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Proxy;

public sealed class VaultAndIntegrationApiTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="body">Serialised as JSON, unless it is already <see cref="HttpContent"/> (a body sent as written).</param>
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string apiKey, object? body = null)
    {
        using var http = fixture.Server.Http();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>POSTs <paramref name="json"/> as written, then counts what the tenant's list at <paramref name="listPath"/> holds.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body, int Listed)> PostThenListAsync(TenantSession session, string path, string json, string listPath)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, path, session.Tenant.ApiKey, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var (_, list) = await SendAsync(HttpMethod.Get, listPath, session.Tenant.ApiKey);
        return (status, body, list.GetProperty("data").GetArrayLength());
    }

    /// <summary>The tenant's audit events (read through the audit API) once at least <paramref name="atLeast"/> arrived.</summary>
    private Task<IReadOnlyList<AuditRecord>> AuditedAsync(TenantSession session, int atLeast) =>
        new AuditTrail(fixture.Server).SettledAsync(session.Tenant.TenantId, session.Tenant.ApiKey, atLeast, Ct);

    [Fact]
    public async Task Seal_ReturnsMetadataOnly_AndNoEndpointEverShowsTheValues()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");

        var (status, sealedBody) = await SendAsync(HttpMethod.Post, "/api/v2/vault/seal", session.Tenant.ApiKey, new { credential_type = "oauth2_client", values = new { client_id = "cid", client_secret = secret }, name = "m2m" });
        var id = sealedBody.GetProperty("credential_id").GetString()!;
        var (_, list) = await SendAsync(HttpMethod.Get, "/api/v2/vault/credentials", session.Tenant.ApiKey);
        var (_, one) = await SendAsync(HttpMethod.Get, $"/api/v2/vault/credentials/{id}", session.Tenant.ApiKey);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.StartsWith("cred_", id, StringComparison.Ordinal);
        Assert.StartsWith("sha256:", sealedBody.GetProperty("fingerprint").GetString(), StringComparison.Ordinal);
        foreach (var text in new[] { sealedBody.GetRawText(), list.GetRawText(), one.GetRawText() })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("cid", text, StringComparison.Ordinal);
        }

        Assert.Contains(await AuditedAsync(session, 3), e => e.Action == AuditActions.VaultSeal && e.ObjectId == id);
    }

    [Theory]
    [InlineData("{\"credential_type\":\"oauth2_client\",\"values\":{\"client_id\":\"x\"}}", "values.client_secret")]
    [InlineData("{\"credential_type\":\"oauth2_client\",\"values\":{\"client_id\":\"x\",\"client_secret\":5}}", "values.client_secret")]
    [InlineData("{\"credential_type\":\"api_key\",\"values\":{\"api_token\":\"x\",\"extra\":\"y\"}}", "values.extra")]
    [InlineData("{\"credential_type\":\"password\",\"values\":{}}", "credential_type")]
    [InlineData("{\"credential_type\":\"api_key\",\"values\":[]}", "values")]
    public async Task Seal_BadValues_Is400NamingTheField_AndStoresNothing(string body, string field)
    {
        var session = await fixture.NewTenantAsync(Ct);

        var (status, problem, listed) = await PostThenListAsync(session, "/api/v2/vault/seal", body, "/api/v2/vault/credentials");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(0, listed);
    }

    [Fact]
    public async Task CredentialInUse_CannotBeDeleted_409()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = fixture.Okta.ApiToken }, cancellationToken: Ct);
        var integration = await session.Sdk.CreateIntegrationAsync("okta", "o", fixture.Okta.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["list_users"], Ct);

        var (inUse, problem) = await SendAsync(HttpMethod.Delete, $"/api/v2/vault/credentials/{credential.CredentialId}", session.Tenant.ApiKey);
        await SendAsync(HttpMethod.Delete, $"/api/v2/integrations/{integration.IntegrationId}", session.Tenant.ApiKey);
        var (deleted, _) = await SendAsync(HttpMethod.Delete, $"/api/v2/vault/credentials/{credential.CredentialId}", session.Tenant.ApiKey);
        var (gone, _) = await SendAsync(HttpMethod.Get, $"/api/v2/vault/credentials/{credential.CredentialId}", session.Tenant.ApiKey);

        Assert.Equal(HttpStatusCode.Conflict, inUse);
        Assert.EndsWith("/credential-in-use", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.NotFound, gone);
        var actions = (await AuditedAsync(session, 8)).Select(e => (e.Action, e.Outcome)).ToList();
        Assert.Contains((AuditActions.IntegrationCreate, AuditOutcomes.Success), actions);
        Assert.Contains((AuditActions.VaultDelete, AuditOutcomes.Denied), actions);
        Assert.Contains((AuditActions.IntegrationDelete, AuditOutcomes.Success), actions);
        Assert.Contains((AuditActions.VaultDelete, AuditOutcomes.Success), actions);
    }

    [Fact]
    public async Task Unseal_IsAdminOnly_AndReturnsTheValuesOnlyInsideAnEnvelope()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var token = "okta-token-" + Guid.NewGuid().ToString("N");
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = token }, cancellationToken: Ct);
        var proxyKey = await session.Sdk.CreateApiKeyAsync("svc", ["proxy"], cancellationToken: Ct);

        var (forbidden, _) = await SendAsync(HttpMethod.Post, $"/api/v2/vault/credentials/{credential.CredentialId}/unseal", proxyKey.ApiKey, new { });
        var (ok, envelopeJson) = await SendAsync(HttpMethod.Post, $"/api/v2/vault/credentials/{credential.CredentialId}/unseal", session.Tenant.ApiKey, new { });
        var values = JsonDocument.Parse(session.Opener.DecryptString(envelopeJson.GetRawText())).RootElement;

        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.DoesNotContain(token, envelopeJson.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(token, values.GetProperty("api_token").GetString());
        Assert.Contains(await AuditedAsync(session, 6), e => e.Action == AuditActions.VaultUnseal && e.EventId == envelopeJson.GetProperty("audit_event_id").GetString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.1")]
    [InlineData("http://10.0.0.1:80")]
    [InlineData("metadata.google.internal")]
    [InlineData("acme.auth0.com.attacker.example")]
    public async Task Integration_WithADomainOffTheAllowlist_IsRefused(string domain)
    {
        var session = await fixture.NewTenantAsync(Ct);
        var credential = await session.Sdk.SealCredentialAsync("oauth2_client", new { client_id = "x", client_secret = "y" }, cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<QuantaSealApiException>(() => session.Sdk.CreateIntegrationAsync("auth0", "evil", domain, credential.CredentialId, ["get_users"], Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("domain", ex.Field);
    }

    [Theory]
    [InlineData("{\"system_type\":\"auth0\",\"name\":\"a\",\"domain\":\"a.auth0.com\",\"credential_id\":\"CRED\",\"allowed_operations\":[\"drop_database\"]}", "allowed_operations")]
    [InlineData("{\"system_type\":\"salesforce\",\"name\":\"a\",\"domain\":\"a.auth0.com\",\"credential_id\":\"CRED\",\"allowed_operations\":[]}", "system_type")]
    [InlineData("{\"system_type\":\"auth0\",\"name\":\"a\",\"domain\":\"a.auth0.com\",\"credential_id\":\"cred_01JNOTEXISTING0000000000000\",\"allowed_operations\":[]}", "credential_id")]
    [InlineData("{\"system_type\":\"auth0\",\"name\":\"a\",\"domain\":\"a.auth0.com\",\"credential_id\":\"CRED\"}", "allowed_operations")]
    public async Task Integration_BadInput_Is400NamingTheField(string template, string field)
    {
        var session = await fixture.NewTenantAsync(Ct);
        var credential = await session.Sdk.SealCredentialAsync("oauth2_client", new { client_id = "x", client_secret = "y" }, cancellationToken: Ct);

        var (status, problem, listed) = await PostThenListAsync(session, "/api/v2/integrations", template.Replace("CRED", credential.CredentialId, StringComparison.Ordinal), "/api/v2/integrations");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(0, listed);
    }

    [Fact]
    public async Task ApiKeyCredential_CannotBeUsedByAnAuth0Integration()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = "x" }, cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<QuantaSealApiException>(() => session.Sdk.CreateIntegrationAsync("auth0", "a", "a.auth0.com", credential.CredentialId, [], Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("credential_id", ex.Field);
    }

    [Fact]
    public async Task Connectors_ListsBothSystems_WithOperationsAndScopes()
    {
        var session = await fixture.NewTenantAsync(Ct);

        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v2/connectors", session.Tenant.ApiKey);
        var systems = body.GetProperty("data").EnumerateArray().ToDictionary(s => s.GetProperty("system_type").GetString()!, s => s.GetProperty("operations"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(14, systems["auth0"].GetArrayLength());
        Assert.Equal(7, systems["okta"].GetArrayLength());
        Assert.Contains(systems["okta"].EnumerateArray(), o => o.GetProperty("name").GetString() == "list_users" && o.GetProperty("required_scopes")[0].GetString() == "okta.users.read");
    }
}
