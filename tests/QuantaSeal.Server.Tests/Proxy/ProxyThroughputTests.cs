using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>The throughput rule (DESIGN §2) end to end: one integration, many slow upstream calls, no queueing.</summary>
public sealed class ProxyThroughputTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SlowUpstreamCalls_OnOneIntegration_OverlapThroughTheFrontDoor()
    {
        const int calls = 10;
        var session = await fixture.NewTenantAsync(Ct);
        var (_, integrationId) = await session.Sdk.AddAuth0IntegrationAsync(fixture.Auth0, "slow", ["get_users"], Ct);
        Assert.True((await session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)).Success);
        // The emulator answers only once all calls are in flight together: calls queued one behind another would
        // each wait out the server's upstream timeout and fail. No clock is read.
        fixture.Auth0.HoldUntilOverlapping(calls);
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => session.Sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)));

            Assert.All(results, r => Assert.True(r.Success, r.ErrorType));
        }
        finally
        {
            fixture.Auth0.HoldUntilOverlapping(0);
        }
    }
}
