using System.Text.Json;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Tests.Tenants;
using QuantaSeal.Grains.Vault;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// DESIGN §7, "audited where it happens": grains called directly, with no front door (as an embedding Orleans service
/// would), leave every change in the tenant's chain: an intent (<c>attempted</c>) and its outcome linked by
/// <c>attempt_event_id</c>, with the actor the caller named (or <c>unattributed</c>), and a refusal as one denied event
/// whose id the exception carries. The chain is read back through the audit reader grain (real in-memory audit stream
/// and store, as the server's memory mode).
/// </summary>
[Collection(InMemoryAuditClusterCollection.Name)]
public sealed class GrainOwnedAuditTests(InMemoryAuditClusterFixture fixture)
{
    private const string Embedder = "svc:billing-sync";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryChangeMadeDirectlyOnTheGrains_IsInTheTenantsChain_AsIntentAndLinkedOutcome()
    {
        // Operator: tenant creation (the first events of the chain).
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        var created = await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("embedded", "live"), Ct);

        // The embedding service names itself as the actor.
        AsEmbedder(tenantId);
        var tenant = fixture.Client.GetGrain<ITenantGrain>(tenantId);
        using var first = MlKem768KeyPair.Generate();
        using var second = MlKem768KeyPair.Generate();
        var firstKey = await tenant.RegisterWithProofAsync(first, "first", Ct);
        var secondKey = await tenant.RegisterWithProofAsync(second, "second", Ct);
        await tenant.SetDefaultRecipientKeyAsync(secondKey.RecipientKeyId, Ct);
        await tenant.RevokeRecipientKeyAsync(firstKey.RecipientKeyId, Ct);
        var rotated = await tenant.RotateSigningKeyAsync(new RotateSigningKeyCommand(false), Ct);
        var apiKey = await tenant.CreateApiKeyAsync(new CreateApiKeyCommand("worker", [ApiKeyScopes.Proxy], "live"), Ct);
        await tenant.RevokeApiKeyAsync(apiKey.Info.ApiKeyId, Ct);

        var credentialId = Ids.New(Ids.Credential);
        var credential = fixture.Client.GetGrain<ICredentialGrain>(credentialId);
        await credential.CreateAsync(new CreateCredentialCommand("oauth2_client", await SealAsync(tenantId, credentialId, 1), null), Ct);
        await credential.RotateAsync(new RotateCredentialCommand(await SealAsync(tenantId, credentialId, 2)), Ct);

        var integrationId = Ids.New(Ids.Integration);
        var integration = fixture.Client.GetGrain<IIntegrationGrain>(integrationId);
        await integration.CreateAsync(new CreateIntegrationCommand("auth0", "acme", "acme.us.auth0.com", credentialId, ["get_users"]), Ct);
        await integration.UpdateAsync(new UpdateIntegrationCommand(null, ["get_users", "get_user"], null), Ct);
        await integration.DeleteAsync(Ct);
        await credential.DeleteAsync(Ct);

        // A refused change: the tenant's last admin key cannot be revoked. One denied event; nothing changes.
        var refusal = await Assert.ThrowsAsync<QuantaSealValidationException>(() => tenant.RevokeApiKeyAsync(created.AdminKey.Info.ApiKeyId, Ct));

        // A caller that names no actor is recorded as unattributed.
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        var anonymous = await tenant.CreateApiKeyAsync(new CreateApiKeyCommand("anon", [ApiKeyScopes.AuditRead], "live"), Ct);

        const int expectedEvents = (15 * 2) + 1;
        var chain = await ReadChainAsync(tenantId, expectedEvents);

        Assert.Equal(expectedEvents, chain.Count);
        AssertChange(chain, AuditActions.TenantCreate, tenantId, AuditActors.Operator);
        Assert.Equal((AuditActions.TenantCreate, AuditOutcomes.Attempted), (chain[0].Action, chain[0].Outcome));
        AssertChange(chain, AuditActions.RecipientKeyRegister, firstKey.RecipientKeyId, Embedder);
        AssertChange(chain, AuditActions.RecipientKeyRegister, secondKey.RecipientKeyId, Embedder);
        AssertChange(chain, AuditActions.RecipientKeyDefault, secondKey.RecipientKeyId, Embedder);
        AssertChange(chain, AuditActions.RecipientKeyRevoke, firstKey.RecipientKeyId, Embedder);
        AssertChange(chain, AuditActions.SigningKeyRotate, rotated.NewKey.KeyId, Embedder);
        AssertChange(chain, AuditActions.ApiKeyCreate, apiKey.Info.ApiKeyId, Embedder);
        AssertChange(chain, AuditActions.ApiKeyRevoke, apiKey.Info.ApiKeyId, Embedder);
        AssertChange(chain, AuditActions.VaultSeal, credentialId, Embedder);
        AssertChange(chain, AuditActions.VaultRotate, credentialId, Embedder);
        AssertChange(chain, AuditActions.IntegrationCreate, integrationId, Embedder, integrationId);
        AssertChange(chain, AuditActions.IntegrationUpdate, integrationId, Embedder, integrationId);
        AssertChange(chain, AuditActions.IntegrationDelete, integrationId, Embedder, integrationId);
        AssertChange(chain, AuditActions.VaultDelete, credentialId, Embedder);
        AssertChange(chain, AuditActions.ApiKeyCreate, anonymous.Info.ApiKeyId, AuditActors.Unattributed);

        var denied = Assert.Single(chain, e => e.Outcome == AuditOutcomes.Denied);
        Assert.Equal(AuditActions.ApiKeyRevoke, denied.Action);
        Assert.Equal(created.AdminKey.Info.ApiKeyId, denied.ObjectId);
        Assert.Equal(Embedder, denied.Actor);
        Assert.Null(denied.AttemptEventId);
        Assert.Equal(denied.EventId, refusal.AuditEventId);
        Assert.Null((await tenant.ListApiKeysAsync(Ct)).Single(k => k.ApiKeyId == created.AdminKey.Info.ApiKeyId).RevokedAt);

        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        Assert.True((await fixture.Client.GetGrain<IAuditReaderGrain>(tenantId).VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task RefusalsDecidedInAGrain_AreOneDeniedEvent_WhoseIdTheExceptionCarries()
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("refusals", "live"), Ct);
        AsEmbedder(tenantId);
        var tenant = fixture.Client.GetGrain<ITenantGrain>(tenantId);
        var unknownKey = Ids.New(Ids.RecipientKey);
        var unknownCredential = Ids.New(Ids.Credential);

        var noSuchKey = await Assert.ThrowsAsync<TenantAccessDeniedException>(() => tenant.SetDefaultRecipientKeyAsync(unknownKey, Ct));
        var badScope = await Assert.ThrowsAsync<QuantaSealValidationException>(() => tenant.CreateApiKeyAsync(new CreateApiKeyCommand("x", ["root"], "live"), Ct));
        var noSuchCredential = await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<ICredentialGrain>(unknownCredential).DeleteAsync(Ct));

        var chain = await ReadChainAsync(tenantId, 2 + 3);
        var denied = chain.Where(e => e.Outcome == AuditOutcomes.Denied).ToList();
        Assert.Equal(3, denied.Count);
        Assert.Contains(denied, e => e.EventId == noSuchKey.AuditEventId && e.Action == AuditActions.RecipientKeyDefault && e.ObjectId == unknownKey);
        Assert.Contains(denied, e => e.EventId == badScope.AuditEventId && e.Action == AuditActions.ApiKeyCreate && e.ObjectId is null);
        Assert.Contains(denied, e => e.EventId == noSuchCredential.AuditEventId && e.Action == AuditActions.VaultDelete && e.ObjectId == unknownCredential);
        Assert.All(denied, e => Assert.Equal(Embedder, e.Actor));
        Assert.Equal("scopes", badScope.Field);
    }

    /// <summary>The change's intent (attempted) and its success outcome, linked, naming the object and the actor.</summary>
    private static void AssertChange(IReadOnlyList<AuditRecord> chain, string action, string objectId, string actor, string? integrationId = null)
    {
        var intent = Assert.Single(chain, e => e.Action == action && e.ObjectId == objectId && e.Outcome == AuditOutcomes.Attempted);
        var outcome = Assert.Single(chain, e => e.AttemptEventId == intent.EventId);
        Assert.Equal(AuditOutcomes.Success, outcome.Outcome);
        Assert.Equal(action, outcome.Action);
        Assert.Equal(objectId, outcome.ObjectId);
        Assert.True(intent.Seq < outcome.Seq, $"{action}: the intent must precede its outcome in the chain");
        Assert.Null(intent.AttemptEventId);
        Assert.All([intent, outcome], e =>
        {
            Assert.Equal(actor, e.Actor);
            Assert.Equal(integrationId, e.IntegrationId);
        });
    }

    private static void AsEmbedder(string tenantId)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        TenantCallContext.SetActor(Embedder);
    }

    private async Task<SealedCredential> SealAsync(string tenantId, string credentialId, int version)
    {
        var vaultKey = await fixture.Client.GetGrain<ITenantGrain>(tenantId).GetVaultPublicKeyAsync(Ct);
        var values = JsonSerializer.SerializeToElement(new { client_id = "cid", client_secret = "secret-" + version });
        return CredentialSealing.Seal(vaultKey, tenantId, credentialId, "oauth2_client", version, CredentialTypes.Canonicalize("oauth2_client", values));
    }

    /// <summary>The tenant's chain once it holds <paramref name="count"/> events (delivery is asynchronous).</summary>
    private async Task<IReadOnlyList<AuditRecord>> ReadChainAsync(string tenantId, int count)
    {
        IReadOnlyList<AuditRecord> items = [];
        await WaitUntil.TrueAsync(
            async () =>
            {
                RequestContext.Clear();
                TenantCallContext.SetTenant(tenantId);
                items = (await fixture.Client.GetGrain<IAuditReaderGrain>(tenantId).QueryAsync(new AuditEventQuery(null, null, null, null, null, null, false, 1000), Ct)).Items;
                return items.Count >= count;
            },
            TimeSpan.FromSeconds(20),
            () => $"{count} events in the chain of {tenantId} (it holds {items.Count})",
            Ct);
        return items;
    }
}
