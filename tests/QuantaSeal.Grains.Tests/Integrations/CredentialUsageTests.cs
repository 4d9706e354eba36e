using Orleans.Storage;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Integrations;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// A credential's <c>used_by</c> follows what is stored (DESIGN §9, a rejected request changes nothing): a create or
/// update that fails after the credential was attached detaches it again, and an entry left behind anyway does not
/// block the credential's deletion. The failure after the attach is a real one: the integration's state write loses
/// an ETag race because the test writes the integration's row through the silo's storage provider first.
/// </summary>
[Collection(IntegrationClusterCollection.Name)]
public sealed class CredentialUsageTests(IntegrationClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_FailingAfterTheAttach_LeavesTheCredentialUnused_AndDeletable()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var credentialId = await SealSpareCredentialAsync(setup);
        var integrationId = Ids.New(Ids.Integration);
        var integration = As(setup.TenantId).GetGrain<IIntegrationGrain>(integrationId);
        Assert.Null(await integration.GetAsync(Ct));
        await BumpStoredRowAsync(integrationId);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            integration.CreateAsync(new CreateIntegrationCommand("auth0", "acme", "acme.us.auth0.com", credentialId, ["get_users"]), Ct));

        var credential = As(setup.TenantId).GetGrain<ICredentialGrain>(credentialId);
        Assert.Empty((await credential.GetAsync(Ct))!.UsedBy);
        Assert.Null(await integration.GetAsync(Ct));
        Assert.DoesNotContain(integrationId, await As(setup.TenantId).GetGrain<ITenantDirectoryGrain>(setup.TenantId).ListAsync(Ids.Integration, Ct));
        Assert.NotNull(await credential.DeleteAsync(Ct));
    }

    [Fact]
    public async Task Update_FailingAfterTheAttach_DetachesTheNewCredential_AndKeepsTheOld()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var newCredentialId = await SealSpareCredentialAsync(setup);
        var integration = As(setup.TenantId).GetGrain<IIntegrationGrain>(setup.IntegrationId);
        Assert.NotNull(await integration.GetAsync(Ct));
        await BumpStoredRowAsync(setup.IntegrationId);

        await Assert.ThrowsAsync<InconsistentStateException>(() => integration.UpdateAsync(new UpdateIntegrationCommand(null, null, newCredentialId), Ct));

        var newCredential = As(setup.TenantId).GetGrain<ICredentialGrain>(newCredentialId);
        var oldCredential = As(setup.TenantId).GetGrain<ICredentialGrain>(setup.CredentialId);
        Assert.Empty((await newCredential.GetAsync(Ct))!.UsedBy);
        Assert.Equal([setup.IntegrationId], (await oldCredential.GetAsync(Ct))!.UsedBy);
        Assert.Equal(setup.CredentialId, (await integration.GetAsync(Ct))!.CredentialId);
        Assert.NotNull(await newCredential.DeleteAsync(Ct));
        await Assert.ThrowsAsync<CredentialInUseException>(() => oldCredential.DeleteAsync(Ct));
    }

    [Fact]
    public async Task Update_ToAnotherCredential_MovesTheUsage()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var newCredentialId = await SealSpareCredentialAsync(setup);
        var client = As(setup.TenantId);

        var updated = await client.GetGrain<IIntegrationGrain>(setup.IntegrationId).UpdateAsync(new UpdateIntegrationCommand(null, null, newCredentialId), Ct);

        Assert.Equal(newCredentialId, updated.CredentialId);
        Assert.Equal([setup.IntegrationId], (await client.GetGrain<ICredentialGrain>(newCredentialId).GetAsync(Ct))!.UsedBy);
        Assert.NotNull(await client.GetGrain<ICredentialGrain>(setup.CredentialId).DeleteAsync(Ct));
        await Assert.ThrowsAsync<CredentialInUseException>(() => client.GetGrain<ICredentialGrain>(newCredentialId).DeleteAsync(Ct));
    }

    [Fact]
    public async Task StaleUsedByEntries_DoNotBlockDeletion_ButALiveIntegrationDoes()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var client = As(setup.TenantId);
        var credential = client.GetGrain<ICredentialGrain>(setup.CredentialId);

        // What a failed compensation leaves behind: entries for an integration that never stored itself and for one
        // that was deleted, next to the live integration.
        var neverCreated = Ids.New(Ids.Integration);
        await credential.AttachAsync(neverCreated, "auth0", Ct);
        var deleted = Ids.New(Ids.Integration);
        await client.GetGrain<IIntegrationGrain>(deleted).CreateAsync(new CreateIntegrationCommand("auth0", "gone", "acme.us.auth0.com", setup.CredentialId, ["get_users"]), Ct);
        await client.GetGrain<IIntegrationGrain>(deleted).DeleteAsync(Ct);
        await credential.AttachAsync(deleted, "auth0", Ct);

        await Assert.ThrowsAsync<CredentialInUseException>(() => credential.DeleteAsync(Ct));
        Assert.Equal(3, (await credential.GetAsync(Ct))!.UsedBy.Count);
        await client.GetGrain<IIntegrationGrain>(setup.IntegrationId).DeleteAsync(Ct);
        var result = await credential.DeleteAsync(Ct);

        Assert.NotNull(result);
        Assert.Empty(result.UsedBy);
        Assert.Null(await credential.GetAsync(Ct));
    }

    [Fact]
    public async Task UsesCredential_IsRefusedToAnotherTenant()
    {
        var a = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var b = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);

        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => As(b.TenantId).GetGrain<IIntegrationGrain>(a.IntegrationId).UsesCredentialAsync(a.CredentialId, Ct));
        Assert.True(await As(a.TenantId).GetGrain<IIntegrationGrain>(a.IntegrationId).UsesCredentialAsync(a.CredentialId, Ct));
    }

    private IClusterClient As(string tenantId) => fixture.As(tenantId);

    private async Task<string> SealSpareCredentialAsync(IntegrationClusterFixture.Setup setup)
    {
        var credentialId = Ids.New(Ids.Credential);
        await fixture.SealAsync(setup.TenantId, credentialId, setup.ClientId, "secret-spare", 1, create: true, Ct);
        return credentialId;
    }

    /// <summary>Rewrites the integration's stored row, so the ETag its activation holds is stale and its next write fails.</summary>
    private Task BumpStoredRowAsync(string integrationId) =>
        fixture.MakeStoredRowStaleAsync<IntegrationState>(IntegrationClusterFixture.IntegrationStateName, GrainId.Create("qs.integration", integrationId), Ct);
}
