using System.Net;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// Every audited action, done successfully, is in the chain: a change as its intent (<c>attempted</c>) and its linked
/// outcome (checked by <see cref="AuditScenario.ChangeNewAsync"/>), recorded by the grain that made it; a read that
/// returns data (unseal, echo, proxy read, connection check) as exactly one event.
/// </summary>
public sealed class ActionAuditTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private readonly AuditScenario _scenario = new(fixture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TenantCreation_IsTheFirstEventOfTheNewTenantsChain_ByTheOperator()
    {
        var tenant = await _scenario.Server.Sdk(null).CreateTenantAsync(_scenario.Server.OperatorKey, "audit", cancellationToken: Ct);

        var (_, audited) = await _scenario.ChangeNewAsync(tenant, [], Ct);

        Assert.Equal(AuditActions.TenantCreate, audited.Action);
        Assert.Equal(AuditOutcomes.Success, audited.Outcome);
        Assert.Equal("operator", audited.Actor);
        Assert.Equal(tenant.TenantId, audited.TenantId);
        Assert.Equal(tenant.TenantId, audited.ObjectId);
        Assert.Null(audited.IntegrationId);
    }

    [Fact]
    public async Task RecipientKeyRegistration_IsAuditedAsIntentAndOutcome()
    {
        var tenant = await _scenario.Server.Sdk(null).CreateTenantAsync(_scenario.Server.OperatorKey, "audit", cancellationToken: Ct);
        var before = await _scenario.BeforeAsync(tenant, 2, Ct);
        using var recipient = MlKem768KeyPair.Generate();

        var key = await _scenario.Server.Sdk(tenant.ApiKey).RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.RecipientKeyRegister, AuditOutcomes.Success, tenant.ApiKeyId, key.RecipientKeyId);
    }

    [Fact]
    public async Task RecipientKeyRevocation_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var keyId = (await session.Sdk.GetKeysAsync(Ct)).RecipientKeys.Single().RecipientKeyId;
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        await session.Sdk.RevokeRecipientKeyAsync(keyId, Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.RecipientKeyRevoke, AuditOutcomes.Success, session.Tenant.ApiKeyId, keyId);
    }

    [Fact]
    public async Task SigningKeyRotation_IsAuditedAsIntentAndOutcome_NamingTheNewKey()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var rotation = await session.Sdk.RotateSigningKeyAsync(cancellationToken: Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.SigningKeyRotate, AuditOutcomes.Success, session.Tenant.ApiKeyId, rotation.SigningKey.KeyId);
    }

    [Fact]
    public async Task ApiKeyCreation_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var created = await session.Sdk.CreateApiKeyAsync("worker", ["proxy"], cancellationToken: Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.ApiKeyCreate, AuditOutcomes.Success, session.Tenant.ApiKeyId, created.ApiKeyId);
    }

    [Fact]
    public async Task ApiKeyRevocation_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var created = await session.Sdk.CreateApiKeyAsync("worker", ["proxy"], cancellationToken: Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        await session.Sdk.RevokeApiKeyAsync(created.ApiKeyId, Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.ApiKeyRevoke, AuditOutcomes.Success, session.Tenant.ApiKeyId, created.ApiKeyId);
    }

    [Fact]
    public async Task Echo_IsAuditedOnce_AndTheEnvelopeIsBoundToThatEvent()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var (status, envelope) = await _scenario.SendAsync(HttpMethod.Post, "/api/v2/tenant/envelopes/echo", session.Tenant.ApiKey, new { payload = new { ping = 1 } }, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        AuditScenario.AssertEvent(audited, AuditActions.EnvelopeEcho, AuditOutcomes.Success, session.Tenant.ApiKeyId, null);
        Assert.Equal(audited.EventId, envelope.GetProperty("audit_event_id").GetString());
    }

    [Fact]
    public async Task VaultSeal_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 4, Ct);

        var credentialId = await _scenario.CredentialAsync(session, Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.VaultSeal, AuditOutcomes.Success, session.Tenant.ApiKeyId, credentialId);
    }

    [Fact]
    public async Task VaultRotate_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(session, Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        await session.Sdk.RotateCredentialAsync(credentialId, new { client_id = "cid-2", client_secret = "secret-2", domain = "example.auth0.com", audience = "https://example.auth0.com/api/v2/" }, Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.VaultRotate, AuditOutcomes.Success, session.Tenant.ApiKeyId, credentialId);
    }

    [Fact]
    public async Task VaultDelete_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(session, Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        var (status, _) = await _scenario.SendAsync(HttpMethod.Delete, $"/api/v2/vault/credentials/{credentialId}", session.Tenant.ApiKey, null, Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        AuditScenario.AssertEvent(audited, AuditActions.VaultDelete, AuditOutcomes.Success, session.Tenant.ApiKeyId, credentialId);
    }

    [Fact]
    public async Task VaultUnseal_IsAuditedOnce_AndTheEnvelopeIsBoundToThatEvent()
    {
        var session = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(session, Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        var (status, envelope) = await _scenario.SendAsync(HttpMethod.Post, $"/api/v2/vault/credentials/{credentialId}/unseal", session.Tenant.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        AuditScenario.AssertEvent(audited, AuditActions.VaultUnseal, AuditOutcomes.Success, session.Tenant.ApiKeyId, credentialId);
        Assert.Equal(audited.EventId, envelope.GetProperty("audit_event_id").GetString());
    }

    [Fact]
    public async Task IntegrationCreate_IsAuditedAsIntentAndOutcome()
    {
        var session = await _scenario.TenantAsync(Ct);
        var credentialId = await _scenario.CredentialAsync(session, Ct);
        var before = await _scenario.BeforeAsync(session.Tenant, 6, Ct);

        var integration = await session.Sdk.CreateIntegrationAsync("auth0", "acme", fixture.Auth0.BaseUri.ToString().TrimEnd('/'), credentialId, ["get_users"], Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        AuditScenario.AssertEvent(audited, AuditActions.IntegrationCreate, AuditOutcomes.Success, session.Tenant.ApiKeyId, integration.IntegrationId);
        Assert.Equal(integration.IntegrationId, audited.IntegrationId);
    }

    [Theory]
    [InlineData("PATCH", AuditActions.IntegrationUpdate)]
    [InlineData("DELETE", AuditActions.IntegrationDelete)]
    public async Task IntegrationUpdateAndDelete_AreAuditedAsIntentAndOutcome(string method, string action)
    {
        var session = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(session, Ct, "get_users");
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);
        var body = method == "PATCH" ? new { allowed_operations = new[] { "get_users", "get_user" } } : null;

        var (status, _) = await _scenario.SendAsync(new HttpMethod(method), $"/api/v2/integrations/{integrationId}", session.Tenant.ApiKey, body, Ct);
        var (_, audited) = await _scenario.ChangeNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        AuditScenario.AssertEvent(audited, action, AuditOutcomes.Success, session.Tenant.ApiKeyId, integrationId);
        Assert.Equal(integrationId, audited.IntegrationId);
    }

    [Fact]
    public async Task IntegrationCheck_IsAuditedOnce()
    {
        var session = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(session, Ct, "get_users");
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);

        var (status, check) = await _scenario.SendAsync(HttpMethod.Post, $"/api/v2/integrations/{integrationId}/check", session.Tenant.ApiKey, null, Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(check.GetProperty("ok").GetBoolean());
        AuditScenario.AssertEvent(audited, AuditActions.IntegrationCheck, AuditOutcomes.Success, session.Tenant.ApiKeyId, integrationId);
        Assert.Equal(integrationId, audited.IntegrationId);
    }

    [Fact]
    public async Task ProxyCall_IsAuditedOnce_AndTheReturnedEventIdIsThatEvent()
    {
        var session = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(session, Ct, "get_users");
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);

        var response = await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct);
        var audited = await _scenario.SingleNewAsync(session.Tenant, before, Ct);

        Assert.True(response.Success);
        Assert.Equal(AuditActions.ProxyOutbound, audited.Action);
        Assert.Equal(AuditOutcomes.Success, audited.Outcome);
        Assert.Equal(session.Tenant.ApiKeyId, audited.Actor);
        Assert.Equal(integrationId, audited.IntegrationId);
        Assert.Equal("get_users", audited.Operation);
        Assert.Equal(audited.EventId, response.AuditEventId);
        Assert.Equal(audited.EventId, response.Envelope!.AuditEventId);
    }

    [Fact]
    public async Task MetadataReads_AreNotAudited()
    {
        var session = await _scenario.TenantAsync(Ct);
        var integrationId = await _scenario.IntegrationAsync(session, Ct, "get_users");
        var before = await _scenario.BeforeAsync(session.Tenant, 8, Ct);

        foreach (var path in new[] { "/api/v2/tenant", "/api/v2/tenant/keys", "/api/v2/tenant/api-keys", "/api/v2/vault/credentials", "/api/v2/integrations", $"/api/v2/integrations/{integrationId}" })
        {
            var (status, _) = await _scenario.SendAsync(HttpMethod.Get, path, session.Tenant.ApiKey, null, Ct);
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Empty(await _scenario.NewSinceAsync(session.Tenant, before, Ct));
    }
}
