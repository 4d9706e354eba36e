using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Hosting.Serialization;
using QuantaSeal.Grains.Integrations;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// DESIGN §9: a refused request changes nothing and is still audited where a tenant is known: exactly one event,
/// outcome <c>denied</c>, under the endpoint's own action. Without a tenant (401) nothing is audited.
/// </summary>
public sealed class DeniedAuditTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private readonly AuditScenario _scenario = new(fixture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WrongScope_Is403_AndAuditedOnceAsDenied_UnderTheEndpointsAction()
    {
        var session = await _scenario.TenantAsync(Ct);
        var proxyKey = await session.Sdk.CreateApiKeyAsync("worker", ["proxy"], cancellationToken: Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        var (status, problem) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", proxyKey.ApiKey, new { credential_type = "api_key", values = new { api_token = "t" } }, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("https://quantaseal.dev/problems/insufficient-scope", problem.GetProperty("type").GetString());
        AuditScenario.AssertEvent(audited, AuditActions.VaultSeal, AuditOutcomes.Denied, proxyKey.ApiKeyId, objectId: null);
        var (_, stored) = await _scenario.SendAsync(HttpMethod.Get, "/api/v2/vault/credentials", session.Tenant.ApiKey, null, Ct);
        Assert.Equal(0, stored.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task WrongScope_OnARoutedObject_NamesTheObject()
    {
        var session = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(session, Ct, "get_users");
        var readKey = await session.Sdk.CreateApiKeyAsync("auditor", ["audit:read"], cancellationToken: Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 10, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Delete, $"/api/v2/integrations/{integrationId}", readKey.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AuditScenario.AssertEvent(audited, AuditActions.IntegrationDelete, AuditOutcomes.Denied, readKey.ApiKeyId, integrationId);
        Assert.Equal(integrationId, audited.IntegrationId);
    }

    [Fact]
    public async Task Validation_Is400_AndAuditedOnceAsDenied_WhenTheRuleThrows()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var (status, problem) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/tenant/api-keys", session.Tenant.ApiKey, new { name = "x", scopes = new[] { "root" } }, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("scopes", problem.GetProperty("field").GetString());
        AuditScenario.AssertEvent(audited, AuditActions.ApiKeyCreate, AuditOutcomes.Denied, session.Tenant.ApiKeyId, objectId: null);
    }

    [Fact]
    public async Task Validation_Is400_AndAuditedOnceAsDenied_WhenTheHandlerAnswers()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/integrations", session.Tenant.ApiKey, new { system_type = "auth0", name = "x", domain = "x.auth0.com", credential_id = "cred_x" }, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AuditScenario.AssertEvent(audited, AuditActions.IntegrationCreate, AuditOutcomes.Denied, session.Tenant.ApiKeyId, objectId: null);
    }

    [Fact]
    public async Task MalformedBody_Is400_AndAuditedOnceAsDenied()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/tenant/recipient-keys", session.Tenant.ApiKey, "{\"public_key\":", Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AuditScenario.AssertEvent(audited, AuditActions.RecipientKeyRegister, AuditOutcomes.Denied, session.Tenant.ApiKeyId, objectId: null);
    }

    [Fact]
    public async Task AnotherTenantsObject_Is404_AuditedOnceInTheCallersChain_AndNotInTheOwners()
    {
        var owner = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(owner, Ct);
        var caller = await _scenario.TenantAsync(Ct);
        var ownerBefore = await _scenario.BeforeAsync(owner.Tenant, 6, Ct);
        var before = await _scenario.BeforeAsync(caller.Tenant, 4, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Delete, $"/api/v2/vault/credentials/{credentialId}", caller.Tenant.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(caller.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.NotFound, status);
        AuditScenario.AssertEvent(audited, AuditActions.VaultDelete, AuditOutcomes.Denied, caller.Tenant.ApiKeyId, credentialId);
        Assert.Empty(await _scenario.NewSinceAsync(owner.Tenant, ownerBefore, Ct));
    }

    [Fact]
    public async Task AnotherTenantsObject_OnARead_Is404_AndAuditedOnceAsADeniedRead()
    {
        var owner = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(owner, Ct);
        var caller = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(caller.Tenant, 4, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Get, $"/api/v2/vault/credentials/{credentialId}", caller.Tenant.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(caller.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.NotFound, status);
        AuditScenario.AssertEvent(audited, AuditActions.VaultRead, AuditOutcomes.Denied, caller.Tenant.ApiKeyId, credentialId);
    }

    [Fact]
    public async Task UnknownObject_Is404_AndAuditedOnceNamingTheId()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);
        var unknown = "rk_" + Ulid.NewUlid();

        var (status, _) = await _scenario.SendAsync(HttpMethod.Delete, $"/api/v2/tenant/recipient-keys/{unknown}", session.Tenant.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.NotFound, status);
        AuditScenario.AssertEvent(audited, AuditActions.RecipientKeyRevoke, AuditOutcomes.Denied, session.Tenant.ApiKeyId, unknown);
    }

    [Fact]
    public async Task CredentialInUse_Is409_AndAuditedOnceAsDenied()
    {
        var session = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(session, Ct);
        await session.Sdk.CreateIntegrationAsync("auth0", "acme", fixture.Auth0.BaseUri.ToString().TrimEnd('/'), credentialId, ["get_users"], Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Delete, $"/api/v2/vault/credentials/{credentialId}", session.Tenant.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.Conflict, status);
        AuditScenario.AssertEvent(audited, AuditActions.VaultDelete, AuditOutcomes.Denied, session.Tenant.ApiKeyId, credentialId);
    }

    [Fact]
    public async Task EchoWithoutARecipientKey_Is409_AndAuditedOnceAsDenied_NotAsSuccess()
    {
        var tenant = await _scenario.Server.Sdk(null).CreateTenantAsync(_scenario.Server.OperatorKey, "no-recipient", cancellationToken: Ct);
        var before = await _scenario.BeforeAsync(tenant, 2, Ct);

        var (status, problem) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/tenant/envelopes/echo", tenant.ApiKey, new { payload = 1 }, Ct);
        var audited = await _scenario.SingleNewAsync(tenant, before, Ct);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.False(problem.TryGetProperty("audit_event_id", out _));
        AuditScenario.AssertEvent(audited, AuditActions.EnvelopeEcho, AuditOutcomes.Denied, tenant.ApiKeyId, objectId: null);
    }

    [Fact]
    public async Task ProxyOperationNotAllowed_Is403_AuditedOnce_AndTheReturnedEventIdIsThatEvent()
    {
        var session = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(session, Ct, "get_users");
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);

        var response = await session.Sdk.ProxyAsync(integrationId, "delete_user", new { user_id = "auth0|1" }, cancellationToken: Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("operation_not_allowed", response.ErrorType);
        AuditScenario.AssertEvent(audited, AuditActions.ProxyOutbound, AuditOutcomes.Denied, session.Tenant.ApiKeyId, objectId: null);
        Assert.Equal(integrationId, audited.IntegrationId);
        Assert.Equal("delete_user", audited.Operation);
        Assert.Equal(audited.EventId, response.AuditEventId);
    }

    [Fact]
    public async Task ProxyToAnotherTenantsIntegration_Is404_AuditedOnce_AndTheReturnedEventIdIsThatEvent()
    {
        var owner = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(owner, Ct, "get_users");
        var caller = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(caller.Tenant, 4, Ct);

        var (status, problem) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", caller.Tenant.ApiKey, new { integration_id = integrationId, operation = "get_users" }, Ct);
        var audited = await _scenario.SingleNewAsync(caller.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.NotFound, status);
        AuditScenario.AssertEvent(audited, AuditActions.ProxyOutbound, AuditOutcomes.Denied, caller.Tenant.ApiKeyId, objectId: null);
        Assert.Equal(integrationId, audited.IntegrationId);
        Assert.Equal("get_users", audited.Operation);
        Assert.NotNull(audited.RequestSha256);
        Assert.Equal(audited.EventId, problem.GetProperty("audit_event_id").GetString());
    }

    [Fact]
    public async Task ProxyToADomainNoLongerAllowed_IsAProblem_AuditedOnceAsDenied_WithoutTheAllowlist()
    {
        // The operator narrowed --upstream-allow after the integration was stored: write such a row the way a silo with
        // the older allowlist would have stored it, for this tenant and a credential of its own.
        var session = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(session, Ct);
        var integrationId = "int_" + Ulid.NewUlid();
        var now = DateTimeOffset.UtcNow;
        var stored = new IntegrationState
        {
            TenantId = session.Tenant.TenantId,
            SystemType = "auth0",
            Name = "moved",
            Domain = "internal.blocked.example.net",
            CredentialId = credentialId,
            AllowedOperations = ["get_users"],
            CreatedAt = now,
            UpdatedAt = now,
            RecordVersion = 1,
        };

        // Authenticated as that silo would have stored it (an unauthenticated row is refused before the host check).
        var records = _scenario.Server.Services.GetRequiredService<QuantaSeal.Grains.Security.Records.RecordAuthenticator>();
        stored.Authenticator = await records.ComputeAsync(IntegrationRecord.Identity(integrationId, stored), IntegrationRecord.Fields(stored), Ct);
        var row = new GrainState<IntegrationState>(stored);
        var storage = _scenario.Server.Services.GetRequiredKeyedService<IGrainStorage>(QuantaSealStorage.Name);
        await storage.WriteStateAsync("qs.integration/integration", GrainId.Create("qs.integration", integrationId), row, Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        var (status, problem) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", session.Tenant.ApiKey, new { integration_id = integrationId, operation = "get_users", payload = new { per_page = 5 } }, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("https://quantaseal.dev/problems/upstream-error", problem.GetProperty("type").GetString());
        Assert.False(problem.GetProperty("success").GetBoolean());
        Assert.Equal("upstream_unreachable", problem.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain("auth0.com", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("blocked.example.net", problem.GetRawText(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("encrypted", out _));
        AuditScenario.AssertEvent(audited, AuditActions.ProxyOutbound, AuditOutcomes.Denied, session.Tenant.ApiKeyId, objectId: null);
        Assert.Equal(integrationId, audited.IntegrationId);
        Assert.Equal("get_users", audited.Operation);
        Assert.Null(audited.UpstreamStatus);
        Assert.Equal(audited.EventId, problem.GetProperty("audit_event_id").GetString());
    }

    [Fact]
    public async Task ProxyWithoutTheProxyScope_Is403_AndAuditedOnceAsDenied()
    {
        var session = await _scenario.TenantAsync(Ct);
        var readKey = await session.Sdk.CreateApiKeyAsync("auditor", ["audit:read"], cancellationToken: Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        var (status, problem) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", readKey.ApiKey, new { integration_id = "int_" + Ulid.NewUlid(), operation = "get_users" }, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AuditScenario.AssertEvent(audited, AuditActions.ProxyOutbound, AuditOutcomes.Denied, readKey.ApiKeyId, objectId: null);
        Assert.Equal(audited.EventId, problem.GetProperty("audit_event_id").GetString());
    }

    [Fact]
    public async Task RevokedKey_Is401_AndNotAudited()
    {
        var session = await _scenario.TenantAsync(Ct);
        var worker = await session.Sdk.CreateApiKeyAsync("worker", ["admin"], cancellationToken: Ct);
        await session.Sdk.RevokeApiKeyAsync(worker.ApiKeyId, Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", worker.ApiKey, new { credential_type = "api_key", values = new { api_token = "t" } }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(await _scenario.NewSinceAsync(session.Tenant, before, Ct));
    }
}
