using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;
using Orleans.TestingHost;
using Orleans.TestingHost.Utils;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>Silos of the fixture cluster joining, serving and leaving through the PostgreSQL membership table.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class ClusteringTests(PostgresClusterFixture fixture)
{
    // Orleans' SiloStatus values as stored in orleans_membership.status.
    private const int SiloStatusActive = 3;
    private const int SiloStatusDead = 6;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunningSilos_AreActiveRows_AndTheClientFindsThemAsGateways()
    {
        var active = fixture.Cluster.GetActiveSilos().ToList();

        foreach (var silo in active)
        {
            Assert.Equal(SiloStatusActive, await StatusOfAsync(silo));
        }

        var gateways = await fixture.Client.ServiceProvider.GetRequiredService<IGatewayListProvider>().GetGateways();
        Assert.Equal(active.Count, gateways.Count);
        Assert.True(await VersionAsync() >= active.Count);
    }

    [Fact]
    public async Task AdditionalSilo_Joins_AndIsMarkedDeadWhenItStops()
    {
        var versionBefore = await VersionAsync();

        var silo = await fixture.Cluster.StartAdditionalSiloAsync();
        try
        {
            await TestingUtils.WaitUntilAsync(async _ => await StatusOfAsync(silo) == SiloStatusActive, Deadline);
        }
        finally
        {
            await fixture.Cluster.StopSiloAsync(silo, Ct);
        }

        await TestingUtils.WaitUntilAsync(async _ => await StatusOfAsync(silo) == SiloStatusDead, Deadline);
        Assert.True(await VersionAsync() > versionBefore);

        // The cluster still serves grains.
        var view = await fixture.Client.GetGrain<IProfileTestGrain>($"after-join-{Guid.NewGuid():N}").SetAsync("x", 1, Ct);
        Assert.Equal("1", view.ETag);
    }

    private async Task<int?> StatusOfAsync(SiloHandle silo) =>
        await fixture.Database.ScalarAsync<int?>(
            "SELECT status FROM orleans_membership WHERE deployment_id = @cluster AND address = @address AND port = @port AND generation = @generation",
            new Dictionary<string, object?>
            {
                ["cluster"] = fixture.ClusterId,
                ["address"] = silo.SiloAddress.Endpoint.Address.ToString(),
                ["port"] = silo.SiloAddress.Endpoint.Port,
                ["generation"] = silo.SiloAddress.Generation,
            },
            Ct);

    private async Task<int> VersionAsync() =>
        await fixture.Database.ScalarAsync<int>(
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @cluster",
            new Dictionary<string, object?> { ["cluster"] = fixture.ClusterId },
            Ct);
}
