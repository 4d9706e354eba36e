using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// Issue 11's interleavings of the integration grain, each forced at a gate (a parked token request, credential
/// unwrap or storage write) rather than hoped for with timing: configuration changes never interleave with each
/// other, and nothing that started before an invalidation (rotation, new allowlist) is cached after it.
/// </summary>
[Collection(IntegrationClusterCollection.Name)]
public sealed class IntegrationRaceTests(IntegrationClusterFixture fixture)
{
    /// <summary>
    /// How long a test lets a change that could wrongly interleave run before it opens the gate. Only the old, racy
    /// grain needs it (its change completes inside it and the assertion then fails); with the fixed grain the change
    /// is queued and the assertion holds whatever this is.
    /// </summary>
    private static readonly TimeSpan InterleaveWindow = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IIntegrationGrain Integration(IntegrationClusterFixture.Setup setup) =>
        fixture.As(setup.TenantId).GetGrain<IIntegrationGrain>(setup.IntegrationId);

    private static ProxyCommand Call(string operation, string payload = "{}") => new(operation, payload, null, "ak_test", "hash");

    [Fact]
    public async Task AllowlistChange_WhileATokenIsAcquired_IsNotServedThatStaleToken()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users", "get_user"], Ct);
        var grain = Integration(setup);
        var gate = scenario.HoldNextTokenRequest();
        var first = grain.ProxyAsync(Call("get_users", "{\"per_page\":1}"), Ct);
        await gate.Entered.WaitAsync(Ct);

        // While that acquisition is parked the allowlist shrinks (Okta derives the token's scopes from it).
        await grain.UpdateAsync(new UpdateIntegrationCommand(null, ["get_users"], null), Ct);
        gate.Open();
        await first;
        await grain.ProxyAsync(Call("get_users", "{\"per_page\":1}"), Ct);

        // The parked acquisition served only the call that started it; the next call asked for the new set.
        Assert.Equal(2, scenario.TokenRequests);
        Assert.Equal(["get_users"], scenario.OperationsSeen.Last());
    }

    [Fact]
    public async Task Rotation_DuringACredentialFetch_LeavesTheNewCredentialInUse()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var gate = GatedKeyWrapProvider.HoldNextVaultUnwrap(setup.TenantId);
        var first = Integration(setup).ProxyAsync(Call("get_users", "{\"per_page\":1}"), Ct);
        await gate.Entered.WaitAsync(Ct);

        // The grain read the sealed v1 and is unwrapping the vault key to open it: rotate to v2 now.
        await fixture.SealAsync(setup.TenantId, setup.CredentialId, setup.ClientId, "secret-2", 2, create: false, Ct);
        gate.Open();
        await first;
        await Integration(setup).CheckConnectionAsync(Ct);

        // A fresh token (the connection check drops the cached one) is made from the rotated secret, not a cached v1.
        Assert.Equal("secret-2", scenario.SecretsSeen.Last());
    }

    [Fact]
    public async Task AllowlistRemoval_IsNotUndone_ByAConcurrentUpdateThatReadTheOldList()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users", "delete_user"], Ct);
        var otherCredential = Ids.New("cred_");
        await fixture.SealAsync(setup.TenantId, otherCredential, setup.ClientId, "secret-b", 1, create: true, Ct);
        var grain = Integration(setup);

        // Update B moves to another credential; its attach (a write of that credential) is parked.
        var gate = GatedGrainStorage.HoldNextWrite(GrainId.Create("qs.credential", otherCredential));
        var moveCredential = grain.UpdateAsync(new UpdateIntegrationCommand(null, null, otherCredential), Ct);
        await gate.Entered.WaitAsync(Ct);

        // Update A removes delete_user meanwhile.
        var removeOperation = grain.UpdateAsync(new UpdateIntegrationCommand(null, ["get_users"], null), Ct);
        await Task.WhenAny(removeOperation, Task.Delay(InterleaveWindow, Ct));
        gate.Open();
        await moveCredential;
        await removeOperation;

        var info = await grain.GetAsync(Ct);
        var denied = await grain.ProxyAsync(Call("delete_user", "{\"user_id\":\"auth0|1\"}"), Ct);
        Assert.Equal(["get_users"], info!.AllowedOperations);
        Assert.Equal(otherCredential, info.CredentialId);
        Assert.Equal(ProxyErrorTypes.OperationNotAllowed, denied.ErrorType);
    }

    [Fact]
    public async Task AFailedAttachWrite_LeavesTheCredentialUnused_InMemoryAsInStorage()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        var otherCredential = Ids.New("cred_");
        await fixture.SealAsync(setup.TenantId, otherCredential, setup.ClientId, "secret-b", 1, create: true, Ct);
        var credential = fixture.As(setup.TenantId).GetGrain<ICredentialGrain>(otherCredential);

        // The integration moves to the other credential; that credential's attach write fails.
        var gate = GatedGrainStorage.HoldNextWrite(GrainId.Create("qs.credential", otherCredential), fail: true);
        gate.Open();
        await Assert.ThrowsAnyAsync<Exception>(() => Integration(setup).UpdateAsync(new UpdateIntegrationCommand(null, null, otherCredential), Ct));

        var info = await credential.GetAsync(Ct);
        Assert.DoesNotContain(setup.IntegrationId, info!.UsedBy);
        Assert.Equal(setup.CredentialId, (await Integration(setup).GetAsync(Ct))!.CredentialId);
    }

    [Fact]
    public async Task FailedUpdate_RollsBack_WithoutUndoingAnUpdateQueuedBehindIt()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users", "delete_user"], Ct);
        var grain = Integration(setup);

        // Update A (a rename) reaches its state write, which is parked and then fails.
        var gate = GatedGrainStorage.HoldNextWrite(GrainId.Create("qs.integration", setup.IntegrationId), fail: true);
        var rename = grain.UpdateAsync(new UpdateIntegrationCommand("renamed", null, null), Ct);
        await gate.Entered.WaitAsync(Ct);

        // Update B removes delete_user meanwhile; A's rollback must not bring it back.
        var removeOperation = grain.UpdateAsync(new UpdateIntegrationCommand(null, ["get_users"], null), Ct);
        await Task.WhenAny(removeOperation, Task.Delay(InterleaveWindow, Ct));
        gate.Open();
        await Assert.ThrowsAnyAsync<Exception>(() => rename);
        await removeOperation;

        var info = await grain.GetAsync(Ct);
        var denied = await grain.ProxyAsync(Call("delete_user", "{\"user_id\":\"auth0|1\"}"), Ct);
        Assert.Equal(["get_users"], info!.AllowedOperations);
        Assert.Equal("acme", info.Name);
        Assert.Equal(ProxyErrorTypes.OperationNotAllowed, denied.ErrorType);
    }
}
