using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Integrations;
using QuantaSeal.Grains.Security.Records;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// An integration whose stored domain the outbound allowlist no longer allows (the operator narrowed
/// <c>--upstream-allow</c> after it was created): a proxy call is a policy refusal, returned as a value, audited
/// once as denied, and nothing reaches the upstream. The stored row is written through the silo's storage provider,
/// as a silo with the older allowlist would have stored it.
/// </summary>
[Collection(IntegrationClusterCollection.Name)]
public sealed class BlockedHostTests(IntegrationClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_ToADomainNoLongerAllowed_IsDenied_AuditedOnce_AndReachesNoUpstream()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var integrationId = await StoreIntegrationAsync(setup, "internal.blocked.example.net");

        var result = await fixture.As(setup.TenantId).GetGrain<IIntegrationGrain>(integrationId).ProxyAsync(new ProxyCommand("get_users", "{\"per_page\":5}", null, "ak_test", "hash"), Ct);

        Assert.False(result.Success);
        Assert.Equal(ProxyErrorTypes.Unreachable, result.ErrorType);
        Assert.Equal(ProxyPipeline.HostNotAllowedMessage, result.ErrorMessage);
        Assert.Null(result.EnvelopeJson);
        Assert.Equal(0, scenario.TokenRequests);
        Assert.Equal(0, scenario.Executions);
        var audited = Assert.Single(RecordingAuditPublisher.For(setup.TenantId), e => e.Action == AuditActions.ProxyOutbound);
        Assert.Equal(result.AuditEventId, audited.EventId);
        Assert.Equal(AuditOutcomes.Denied, audited.Outcome);
        Assert.Equal(integrationId, audited.IntegrationId);
        Assert.Null(audited.UpstreamStatus);
    }

    [Fact]
    public async Task CheckConnection_ToADomainNoLongerAllowed_Fails_WithoutNamingTheAllowlist()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var integrationId = await StoreIntegrationAsync(setup, "internal.blocked.example.net");

        var check = await fixture.As(setup.TenantId).GetGrain<IIntegrationGrain>(integrationId).CheckConnectionAsync(Ct);

        Assert.False(check.Ok);
        Assert.Equal(ProxyErrorTypes.Unreachable, check.ErrorType);
        Assert.Equal(ProxyPipeline.HostNotAllowedMessage, check.ErrorMessage);
        Assert.Equal(0, scenario.TokenRequests);
    }

    /// <summary>A fresh integration of the setup's tenant and credential, stored with <paramref name="domain"/>.</summary>
    private async Task<string> StoreIntegrationAsync(IntegrationClusterFixture.Setup setup, string domain)
    {
        var integrationId = Ids.New(Ids.Integration);
        var now = DateTimeOffset.UtcNow;
        var stored = new IntegrationState
        {
            TenantId = setup.TenantId,
            SystemType = "auth0",
            Name = "moved",
            Domain = domain,
            CredentialId = setup.CredentialId,
            AllowedOperations = ["get_users"],
            CreatedAt = now,
            UpdatedAt = now,
            RecordVersion = 1,
        };

        // Authenticated as the grain itself would store it (an unauthenticated row is refused before the host check).
        var records = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<RecordAuthenticator>();
        stored.Authenticator = await records.ComputeAsync(IntegrationRecord.Identity(integrationId, stored), IntegrationRecord.Fields(stored), Ct);
        var row = new GrainState<IntegrationState>(stored);
        await fixture.Storage.WriteStateAsync(IntegrationClusterFixture.IntegrationStateName, GrainId.Create("qs.integration", integrationId), row, Ct);
        return integrationId;
    }
}
