using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// Issue 11, one time budget: the shared token acquisition runs under the call budget too, so a token endpoint that
/// never finishes its answer (Okta's drip) ends a call as a timeout within the budget and cannot pin the single-flight
/// acquisition for the calls after it.
/// </summary>
[Collection(IntegrationClusterCollection.Name)]
public sealed class IntegrationDeadlineTests(IntegrationClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProxyCommand GetUsers() => new("get_users", "{\"per_page\":1}", null, "ak_test", "hash");

    [Fact]
    public async Task TokenRequestThatNeverAnswers_EndsAsATimeout_AndTheNextCallAcquiresAfresh()
    {
        var scenario = new ScriptedConnector.Scenario();
        var setup = await fixture.CreateAsync(scenario, ["get_users"], Ct);
        var grain = fixture.As(setup.TenantId).GetGrain<IIntegrationGrain>(setup.IntegrationId);
        var gate = scenario.HoldNextTokenRequest(); // never opened: the token endpoint sends nothing more

        var first = await grain.ProxyAsync(GetUsers(), Ct);
        await gate.Abandoned.WaitAsync(Ct);
        var second = await grain.ProxyAsync(GetUsers(), Ct);

        Assert.Equal(ProxyErrorTypes.Timeout, first.ErrorType);
        Assert.Contains(RecordingAuditPublisher.For(setup.TenantId), e => e.EventId == first.AuditEventId && e.Outcome == AuditOutcomes.Timeout);
        Assert.True(second.Success, second.ErrorType);
        Assert.Equal(2, scenario.TokenRequests);
    }
}
