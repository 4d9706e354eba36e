using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Integrations;

[Collection(IntegrationClusterCollection.Name)]
public sealed class IntegrationGrainTests(IntegrationClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IIntegrationGrain Integration(IntegrationClusterFixture.Setup setup)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(setup.TenantId);
        return fixture.Client.GetGrain<IIntegrationGrain>(setup.IntegrationId);
    }

    private static ProxyCommand GetUsers(string operation = "get_users") => new(operation, "{\"per_page\":5}", null, "ak_test", "hash");

    [Fact]
    public async Task ConcurrentCalls_ShareOneTokenRequest()
    {
        var scenario = new ScriptedConnector.Scenario { TokenDelay = TimeSpan.FromMilliseconds(300) };
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var grain = Integration(setup);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.ProxyAsync(GetUsers(), Ct)));

        Assert.All(results, r => Assert.True(r.Success));
        Assert.Equal(1, scenario.TokenRequests);
        Assert.Equal(20, scenario.Executions);
    }

    [Fact]
    public async Task SlowUpstreamCalls_OnOneIntegration_RunConcurrently_NotOneAfterAnother()
    {
        const int calls = 10;
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var grain = Integration(setup);
        await grain.ProxyAsync(GetUsers(), Ct);

        // Each upstream call waits until all ten are in flight together: had the grain held one call's network wait
        // against the next, the first would wait out its call budget and fail. No clock is read.
        scenario.HoldCallsUntilInFlight(calls);
        var results = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => grain.ProxyAsync(GetUsers(), Ct)));

        Assert.All(results, r => Assert.True(r.Success));
        Assert.Equal(calls, scenario.MaxInFlight);
    }

    /// <summary>
    /// The grain puts the token cache's proactive refresh on a grain timer: a second token is requested with no call
    /// asking for it. When (80 % of the lifetime) is the token cache's business and is tested on a fake clock in
    /// <see cref="TokenCacheTests"/>; the grain timer runs on the silo's real clock, so this test bounds nothing but
    /// its own patience.
    /// </summary>
    [Fact]
    public async Task Grain_RefreshesTheToken_OnATimer_WithNoCallAskingForIt()
    {
        var scenario = new ScriptedConnector.Scenario { TokenLifetime = TimeSpan.FromSeconds(1) };
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        await Integration(setup).ProxyAsync(GetUsers(), Ct);
        Assert.Equal(1, scenario.TokenRequests);

        await WaitUntil.TrueAsync(() => scenario.TokenRequests >= 2, TimeSpan.FromSeconds(60), () => "the grain never refreshed the token on its own", Ct);

        Assert.Equal(1, scenario.Executions);
        await Integration(setup).DeleteAsync(Ct); // stops the timer: the 1 s token would otherwise be refreshed on and on
    }

    [Fact]
    public async Task Upstream401_DropsTheToken_ReacquiresOnce_AndRetriesOnce()
    {
        var scenario = new ScriptedConnector.Scenario();
        scenario.RejectToken = token => token.EndsWith(":tok-1", StringComparison.Ordinal);
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);

        var result = await Integration(setup).ProxyAsync(GetUsers(), Ct);

        Assert.True(result.Success);
        Assert.Equal(2, scenario.TokenRequests);
        Assert.Equal(2, scenario.Executions);
        Assert.EndsWith(":tok-2", scenario.TokensUsed.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent401_IsRetriedExactlyOnce_ThenReported()
    {
        var scenario = new ScriptedConnector.Scenario { RejectToken = _ => true };
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);

        var result = await Integration(setup).ProxyAsync(GetUsers(), Ct);

        Assert.False(result.Success);
        Assert.Equal(ProxyErrorTypes.Unauthorized, result.ErrorType);
        Assert.Equal(401, result.UpstreamStatus);
        Assert.NotNull(result.EnvelopeJson);
        Assert.Equal(2, scenario.Executions);
        Assert.Equal(2, scenario.TokenRequests);
    }

    [Fact]
    public async Task CredentialRotation_DropsTheCachedToken_AndUsesTheNewSecret()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        await Integration(setup).ProxyAsync(GetUsers(), Ct);
        await Integration(setup).ProxyAsync(GetUsers(), Ct);
        Assert.Equal(1, scenario.TokenRequests);

        await fixture.SealAsync(setup.TenantId, setup.CredentialId, setup.ClientId, "secret-2", 2, create: false, Ct);
        await Integration(setup).ProxyAsync(GetUsers(), Ct);

        Assert.Equal(2, scenario.TokenRequests);
        Assert.Equal(["secret-1", "secret-2"], scenario.SecretsSeen.ToArray());
    }

    [Fact]
    public async Task OperationOutsideTheAllowlist_IsDenied_ReachesNoUpstream_AndIsAudited()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_user"], Ct);

        var result = await Integration(setup).ProxyAsync(GetUsers(), Ct);

        Assert.False(result.Success);
        Assert.Equal(ProxyErrorTypes.OperationNotAllowed, result.ErrorType);
        Assert.Null(result.EnvelopeJson);
        Assert.Equal(0, scenario.TokenRequests);
        Assert.Equal(0, scenario.Executions);
        var audited = Assert.Single(RecordingAuditPublisher.For(setup.TenantId), e => e.Action == AuditActions.ProxyOutbound);
        Assert.Equal(result.AuditEventId, audited.EventId);
        Assert.Equal(AuditOutcomes.Denied, audited.Outcome);
        Assert.Equal("get_users", audited.Operation);
    }

    [Fact]
    public async Task EmptyAllowlist_AllowsNothing()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, [], Ct);

        var result = await Integration(setup).ProxyAsync(GetUsers("get_user"), Ct);

        Assert.Equal(ProxyErrorTypes.OperationNotAllowed, result.ErrorType);
        Assert.Equal(0, scenario.Executions);
    }

    [Fact]
    public async Task SuccessfulCall_ReturnsAnEnvelopeTheTenantCanOpen_BoundToTheAuditEvent()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);

        var result = await Integration(setup).ProxyAsync(GetUsers(), Ct);
        var envelope = HybridEnvelope.FromJson(result.EnvelopeJson!);
        var keys = new Dictionary<string, byte[]> { [setup.Tenant.SigningKey.KeyId] = setup.Tenant.SigningKey.PublicKey };
        var plaintext = System.Text.Encoding.UTF8.GetString(HybridEnvelopeOpener.Open(envelope, new EnvelopeOpenKeys(keys, setup.Tenant.HmacKey, setup.Recipient, setup.TenantId)));

        Assert.Equal(result.AuditEventId, envelope.AuditEventId);
        Assert.Contains("auth0|1", plaintext, StringComparison.Ordinal);
        Assert.Contains(RecordingAuditPublisher.For(setup.TenantId), e => e.EventId == result.AuditEventId && e.Outcome == AuditOutcomes.Success);
    }

    [Fact]
    public async Task AnotherTenant_CanNeitherUseNorSeeTheIntegrationOrCredential()
    {
        var scenario = new ScriptedConnector.Scenario();
        var a = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var b = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        RequestContext.Clear();
        TenantCallContext.SetTenant(b.TenantId);

        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<IIntegrationGrain>(a.IntegrationId).ProxyAsync(GetUsers(), Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<IIntegrationGrain>(a.IntegrationId).GetAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<ICredentialGrain>(a.CredentialId).GetAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<ICredentialGrain>(a.CredentialId).GetSealedAsync(Ct));
        await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            fixture.Client.GetGrain<IIntegrationGrain>(QuantaSeal.Grains.Tenants.Ids.New("int_")).CreateAsync(new CreateIntegrationCommand("auth0", "steal", "acme.us.auth0.com", a.CredentialId, ["get_users"]), Ct));
        Assert.Equal(0, scenario.Executions);
    }

    [Fact]
    public async Task CredentialInUse_CannotBeDeleted_UntilItsIntegrationIs()
    {
        var setup = await fixture.CreateAsync(new ScriptedConnector.Scenario(), ["get_users"], Ct);
        RequestContext.Clear();
        TenantCallContext.SetTenant(setup.TenantId);
        var credential = fixture.Client.GetGrain<ICredentialGrain>(setup.CredentialId);

        await Assert.ThrowsAsync<CredentialInUseException>(() => credential.DeleteAsync(Ct));
        await fixture.Client.GetGrain<IIntegrationGrain>(setup.IntegrationId).DeleteAsync(Ct);
        var deleted = await credential.DeleteAsync(Ct);

        Assert.NotNull(deleted);
        Assert.Null(await credential.GetAsync(Ct));
    }
}
