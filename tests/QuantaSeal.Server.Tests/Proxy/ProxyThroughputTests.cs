using System.Diagnostics;
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
        var credential = await session.Sdk.SealCredentialAsync("oauth2_client", new { client_id = fixture.Auth0.ClientId, client_secret = fixture.Auth0.ClientSecret, audience = fixture.Auth0.Audience }, cancellationToken: Ct);
        var integration = await session.Sdk.CreateIntegrationAsync("auth0", "slow", fixture.Auth0.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["get_users"], Ct);
        Assert.True((await session.Sdk.ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)).Success);
        var latency = TimeSpan.FromMilliseconds(800);
        fixture.Auth0.Latency = latency;
        try
        {
            var watch = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => session.Sdk.ProxyAsync(integration.IntegrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)));
            watch.Stop();

            Assert.All(results, r => Assert.True(r.Success, r.ErrorType));

            // Serially this is 10 x 800 ms = 8 s; overlapping, about one call's time plus sealing and HTTP.
            Assert.True(watch.Elapsed < latency * 4, $"{calls} concurrent {latency.TotalMilliseconds} ms calls took {watch.Elapsed.TotalMilliseconds:F0} ms");
            TestContext.Current.SendDiagnosticMessage($"{calls} concurrent proxy calls with {latency.TotalMilliseconds} ms upstream latency: {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            fixture.Auth0.Latency = TimeSpan.Zero;
        }
    }
}
