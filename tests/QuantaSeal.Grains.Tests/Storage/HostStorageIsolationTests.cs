using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.TestingHost;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>
/// Issue 14 item 4: a silo that hosts QuantaSeal next to its own grains keeps its own default storage provider and its
/// grains' state names; only QuantaSeal's provider gets grain-type-scoped names.
/// </summary>
public sealed class HostStorageIsolationTests : IAsyncLifetime
{
    private readonly RecordingGrainStorage _hostDefault = new();
    private readonly RecordingGrainStorage _hostNamed = new();
    private InProcessTestCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            // The host's own providers, registered before QuantaSeal is added (the usual order in a host's Program).
            // (As Orleans' AddGrainStorage registers a "Default" provider: keyed, and as the unkeyed IGrainStorage.)
            silo.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, _hostDefault);
            silo.Services.AddSingleton<IGrainStorage>(_hostDefault);
            silo.Services.AddKeyedSingleton<IGrainStorage>(HostNoteGrain.NamedProvider, _hostNamed);
            silo.AddQuantaSealStorageInMemory();
            silo.AddQuantaSealAuditInMemory();
            silo.AddQuantaSeal(o => o.KeyWrapProviderFactory = _ => new LocalKeyWrapProvider(ClusterFixture.MasterKey));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task HostGrain_OnTheDefaultProvider_KeepsItsProviderAndItsStateName()
    {
        var key = $"note-{Guid.NewGuid():N}";

        await _cluster.Client.GetGrain<IHostNoteGrain>(key).WriteAsync("hello", Ct);

        var write = Assert.Single(_hostDefault.Writes, w => w.GrainId.Key.ToString() == key);
        Assert.Equal(HostNoteGrain.DefaultStateName, write.StateName);
    }

    [Fact]
    public async Task HostGrain_OnItsOwnNamedProvider_KeepsItsStateName()
    {
        var key = $"note-{Guid.NewGuid():N}";

        await _cluster.Client.GetGrain<IHostNoteGrain>(key).WriteAsync("hello", Ct);

        var write = Assert.Single(_hostNamed.Writes, w => w.GrainId.Key.ToString() == key);
        Assert.Equal(HostNoteGrain.NamedStateName, write.StateName);
    }

    [Fact]
    public void QuantaSealProviders_AreRegisteredUnderQuantaSealNamesOnly()
    {
        var services = _cluster.Silos[0].ServiceProvider;

        Assert.Same(_hostDefault, services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        Assert.Same(_hostDefault, services.GetRequiredService<IGrainStorage>());
        Assert.NotSame(_hostDefault, services.GetRequiredKeyedService<IGrainStorage>(StorageNames.QuantaSeal));
        Assert.NotNull(services.GetKeyedService<Orleans.Streams.IStreamProvider>(AuditStreams.ProviderName));
    }

    [Fact]
    public void StateNaming_DecoratesTheHostsFactory_Once()
    {
        var services = new ServiceCollection();
        var hostFactory = new PersistentStateFactory();
        services.AddSingleton<IPersistentStateFactory>(hostFactory);

        QuantaSealStorage.AddStateConventions(services);
        QuantaSealStorage.AddStateConventions(services);
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IPersistentStateFactory));
        var factory = Assert.IsType<QuantaSealPersistentStateFactory>(provider.GetRequiredService<IPersistentStateFactory>());
        Assert.Same(hostFactory, factory.Inner);
    }

    [Fact]
    public void StateNaming_ReplacedAfterAddQuantaSeal_IsRefused()
    {
        var services = new ServiceCollection();
        QuantaSealStorage.AddStateConventions(services);
        services.AddSingleton<IPersistentStateFactory, PersistentStateFactory>();
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<InvalidOperationException>(() => QuantaSealPersistentStateFactory.EnsureInstalled(provider));

        Assert.Contains("before calling AddQuantaSeal", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A host's grain storage that keeps what it is given in memory and records the state names it sees.</summary>
    private sealed class RecordingGrainStorage : IGrainStorage
    {
        private readonly ConcurrentDictionary<(string, GrainId), object?> _rows = new();

        public ConcurrentQueue<(string StateName, GrainId GrainId)> Writes { get; } = new();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_rows.TryGetValue((stateName, grainId), out var row) && row is T state)
            {
                grainState.State = state;
                grainState.RecordExists = true;
                grainState.ETag = "1";
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _rows[(stateName, grainId)] = grainState.State;
            Writes.Enqueue((stateName, grainId));
            grainState.RecordExists = true;
            grainState.ETag = "1";
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _rows.TryRemove((stateName, grainId), out _);
            return Task.CompletedTask;
        }
    }
}

[Alias("test.IHostNoteGrain")]
public interface IHostNoteGrain : IGrainWithStringKey
{
    [Alias("Write")]
    Task WriteAsync(string text, CancellationToken cancellationToken = default);
}

[GenerateSerializer]
[Alias("test.HostNote")]
public sealed class HostNote
{
    [Id(0)]
    public string? Text { get; set; }
}

/// <summary>A host's own grain (not a QuantaSeal one): one state on the default provider, one on a provider of its own.</summary>
[GrainType("test.host-note")]
internal sealed class HostNoteGrain(
    [PersistentState(HostNoteGrain.DefaultStateName)] IPersistentState<HostNote> onDefault,
    [PersistentState(HostNoteGrain.NamedStateName, HostNoteGrain.NamedProvider)] IPersistentState<HostNote> onNamed) : Grain, IHostNoteGrain
{
    internal const string DefaultStateName = "note";
    internal const string NamedStateName = "note-copy";
    internal const string NamedProvider = "host-store";

    public async Task WriteAsync(string text, CancellationToken cancellationToken = default)
    {
        onDefault.State.Text = text;
        onNamed.State.Text = text;
        await onDefault.WriteStateAsync(cancellationToken);
        await onNamed.WriteStateAsync(cancellationToken);
    }
}
