using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// DESIGN §7: "If the intent cannot be recorded, the side effect does not happen (503)." With the tenant's audit
/// publisher refusing every event, a change to QuantaSeal's own state fails with the unavailable exception and leaves
/// the stored state as it was (before, the change was stored first and audited afterwards by the front door).
/// </summary>
[Collection(IntegrationClusterCollection.Name)]
public sealed class OwnStateAuditOutageTests(IntegrationClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CredentialRotate_IsNotApplied_WhenItsIntentCannotBeRecorded()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var before = await Credential(setup).GetAsync(Ct);
        var eventsBefore = RecordingAuditPublisher.For(setup.TenantId).Count;

        RecordingAuditPublisher.FailingTenants[setup.TenantId] = true;
        try
        {
            await Assert.ThrowsAsync<AuditStreamUnavailableException>(() =>
                fixture.SealAsync(setup.TenantId, setup.CredentialId, setup.ClientId, "secret-2", 2, create: false, Ct));
        }
        finally
        {
            RecordingAuditPublisher.FailingTenants.TryRemove(setup.TenantId, out _);
        }

        var after = await Credential(setup).GetAsync(Ct);
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before.Fingerprint, after.Fingerprint);
        Assert.Equal(eventsBefore, RecordingAuditPublisher.For(setup.TenantId).Count);

        // Still stored as version 1, so the rotation to version 2 succeeds once the audit is back.
        await fixture.SealAsync(setup.TenantId, setup.CredentialId, setup.ClientId, "secret-2", 2, create: false, Ct);
        Assert.Equal(2, (await Credential(setup).GetAsync(Ct))!.Version);
    }

    [Fact]
    public async Task IntegrationUpdate_IsNotApplied_WhenItsIntentCannotBeRecorded()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var grain = Integration(setup);

        RecordingAuditPublisher.FailingTenants[setup.TenantId] = true;
        try
        {
            await Assert.ThrowsAsync<AuditStreamUnavailableException>(() =>
                grain.UpdateAsync(new UpdateIntegrationCommand("renamed", ["get_users", "delete_user"], null), Ct));
        }
        finally
        {
            RecordingAuditPublisher.FailingTenants.TryRemove(setup.TenantId, out _);
        }

        var stored = await Integration(setup).GetAsync(Ct);
        Assert.Equal("acme", stored!.Name);
        Assert.Equal(["get_users"], stored.AllowedOperations);
    }

    [Fact]
    public async Task ApiKeyCreate_IssuesNoKey_WhenItsIntentCannotBeRecorded()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var tenant = Tenant(setup);
        var keysBefore = (await tenant.ListApiKeysAsync(Ct)).Count;

        RecordingAuditPublisher.FailingTenants[setup.TenantId] = true;
        try
        {
            await Assert.ThrowsAsync<AuditStreamUnavailableException>(() =>
                tenant.CreateApiKeyAsync(new CreateApiKeyCommand("worker", [ApiKeyScopes.Proxy], "live"), Ct));
        }
        finally
        {
            RecordingAuditPublisher.FailingTenants.TryRemove(setup.TenantId, out _);
        }

        Assert.Equal(keysBefore, (await Tenant(setup).ListApiKeysAsync(Ct)).Count);
    }

    [Fact]
    public async Task RecoverAdminKey_IssuesNoKey_WhenItsIntentCannotBeRecorded()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var keysBefore = (await Tenant(setup).ListApiKeysAsync(Ct)).Count;

        RecordingAuditPublisher.FailingTenants[setup.TenantId] = true;
        try
        {
            RequestContext.Clear();
            TenantCallContext.SetOperator();
            await Assert.ThrowsAsync<AuditStreamUnavailableException>(() =>
                fixture.Client.GetGrain<ITenantGrain>(setup.TenantId).RecoverAdminKeyAsync(new CreateApiKeyCommand("rescue", [ApiKeyScopes.Admin], "live"), Ct));
        }
        finally
        {
            RecordingAuditPublisher.FailingTenants.TryRemove(setup.TenantId, out _);
        }

        Assert.Equal(keysBefore, (await Tenant(setup).ListApiKeysAsync(Ct)).Count);
    }

    private ICredentialGrain Credential(IntegrationClusterFixture.Setup setup) =>
        fixture.As(setup.TenantId).GetGrain<ICredentialGrain>(setup.CredentialId);

    private IIntegrationGrain Integration(IntegrationClusterFixture.Setup setup) =>
        fixture.As(setup.TenantId).GetGrain<IIntegrationGrain>(setup.IntegrationId);

    private ITenantGrain Tenant(IntegrationClusterFixture.Setup setup) =>
        fixture.As(setup.TenantId).GetGrain<ITenantGrain>(setup.TenantId);
}
