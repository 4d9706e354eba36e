using Orleans.Storage;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Vault;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// The tenant directory follows what is stored (DESIGN §9, a rejected request changes nothing): a credential create
/// refused by the directory's object limit or by a failed state write leaves no credential behind, and a delete that
/// was stored answers success even when the directory cleanup after it fails (a repeated delete retries the cleanup).
/// Failures are real ones: a stale ETag, made by writing the grain's row through the silo's storage provider first.
/// </summary>
[Collection(IntegrationClusterCollection.Name)]
public sealed class TenantDirectoryConsistencyTests(IntegrationClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CredentialCreate_OverTheObjectLimit_IsRefused_AndLeavesNoCredential()
    {
        var tenantId = await NewTenantAsync();
        var directoryRow = new GrainState<TenantDirectoryState>(new TenantDirectoryState
        {
            Ids = [.. Enumerable.Range(0, TenantDirectoryGrain.MaxObjects).Select(_ => Ids.New(Ids.Credential))],
        });
        await fixture.Storage.WriteStateAsync(IntegrationClusterFixture.DirectoryStateName, DirectoryGrainId(tenantId), directoryRow, Ct);
        var credentialId = Ids.New(Ids.Credential);

        await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            fixture.SealAsync(tenantId, credentialId, "client-limit", "secret-limit", 1, create: true, Ct));

        var credential = As(tenantId).GetGrain<ICredentialGrain>(credentialId);
        Assert.Null(await credential.GetAsync(Ct));
        Assert.DoesNotContain(credentialId, await As(tenantId).GetGrain<ITenantDirectoryGrain>(tenantId).ListAsync(Ids.Credential, Ct));
    }

    [Fact]
    public async Task CredentialCreate_WhoseWriteFails_UndoesItsDirectoryEntry_AndLeavesNoCredential()
    {
        var tenantId = await NewTenantAsync();
        var credentialId = Ids.New(Ids.Credential);
        Assert.Null(await As(tenantId).GetGrain<ICredentialGrain>(credentialId).GetAsync(Ct));
        await fixture.MakeStoredRowStaleAsync<CredentialState>(IntegrationClusterFixture.CredentialStateName, GrainId.Create("qs.credential", credentialId), Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            fixture.SealAsync(tenantId, credentialId, "client-write", "secret-write", 1, create: true, Ct));

        Assert.Null(await As(tenantId).GetGrain<ICredentialGrain>(credentialId).GetAsync(Ct));
        Assert.DoesNotContain(credentialId, await As(tenantId).GetGrain<ITenantDirectoryGrain>(tenantId).ListAsync(Ids.Credential, Ct));
    }

    [Fact]
    public async Task IntegrationDelete_WhoseDirectoryCleanupFails_StillSucceeds_AndARepeatedDeleteCleansUp()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var integration = As(setup.TenantId).GetGrain<IIntegrationGrain>(setup.IntegrationId);
        Assert.NotNull(await integration.GetAsync(Ct));
        await BumpDirectoryRowAsync(setup.TenantId);

        var deleted = await integration.DeleteAsync(Ct);

        Assert.NotNull(deleted);
        Assert.Null(await integration.GetAsync(Ct));
        Assert.Empty((await As(setup.TenantId).GetGrain<ICredentialGrain>(setup.CredentialId).GetAsync(Ct))!.UsedBy);
        // A repeated delete is refused (no such integration) but still retries the directory cleanup.
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => integration.DeleteAsync(Ct));
        Assert.DoesNotContain(setup.IntegrationId, await As(setup.TenantId).GetGrain<ITenantDirectoryGrain>(setup.TenantId).ListAsync(Ids.Integration, Ct));
    }

    [Fact]
    public async Task CredentialDelete_WhoseDirectoryCleanupFails_StillSucceeds_AndARepeatedDeleteCleansUp()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        await As(setup.TenantId).GetGrain<IIntegrationGrain>(setup.IntegrationId).DeleteAsync(Ct);
        var credential = As(setup.TenantId).GetGrain<ICredentialGrain>(setup.CredentialId);
        await BumpDirectoryRowAsync(setup.TenantId);

        var deleted = await credential.DeleteAsync(Ct);

        Assert.NotNull(deleted);
        Assert.Null(await credential.GetAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => credential.DeleteAsync(Ct));
        Assert.DoesNotContain(setup.CredentialId, await As(setup.TenantId).GetGrain<ITenantDirectoryGrain>(setup.TenantId).ListAsync(Ids.Credential, Ct));
    }

    private IClusterClient As(string tenantId) => fixture.As(tenantId);

    private async Task<string> NewTenantAsync()
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("t", "live"), Ct);
        return tenantId;
    }

    private static GrainId DirectoryGrainId(string tenantId) => GrainId.Create("qs.tenant-directory", tenantId);

    /// <summary>Rewrites the tenant directory's stored row, so the ETag its activation holds is stale and its next write fails.</summary>
    private Task BumpDirectoryRowAsync(string tenantId) =>
        fixture.MakeStoredRowStaleAsync<TenantDirectoryState>(IntegrationClusterFixture.DirectoryStateName, DirectoryGrainId(tenantId), Ct);
}
