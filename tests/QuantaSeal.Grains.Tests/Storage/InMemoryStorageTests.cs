using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.TestingHost;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>The explicit in-memory mode uses the same provider name, default alias and serializer.</summary>
public sealed class InMemoryStorageTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => silo.UseQuantaSealInMemory());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task State_RoundTripsThroughTheJsonSerializer_AcrossActivations()
    {
        var grain = _cluster.Client.GetGrain<IProfileTestGrain>($"memory-{Guid.NewGuid():N}");

        var written = await grain.SetAsync("Ada", 3, Ct);
        await grain.DeactivateAsync(Ct);
        var read = await grain.GetAsync(Ct);

        Assert.NotEqual(written.ActivationId, read.ActivationId);
        Assert.Equal("Ada", read.DisplayName);
        Assert.Equal(3, read.Count);
    }

    [Fact]
    public void QuantaSeal_RegistersItsProvider_AndNoDefault()
    {
        // Issue 14: the in-memory mode registers "quantaseal" only; a host's default provider stays the host's.
        var services = _cluster.Silos[0].ServiceProvider;

        Assert.NotNull(services.GetKeyedService<IGrainStorage>(QuantaSealStorage.Name));
        Assert.Null(services.GetKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
    }
}
