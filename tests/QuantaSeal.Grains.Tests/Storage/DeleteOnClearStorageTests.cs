using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>
/// The DeleteStorageKey query, used when a provider is configured with DeleteStateOnClear (QuantaSeal's own
/// provider is not: it keeps cleared rows so versions never repeat). Drives a second ADO.NET provider instance
/// against the fixture's database.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class DeleteOnClearStorageTests(PostgresClusterFixture fixture)
{
    private const string StateName = "qs.test.delete/state";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Clear_DeletesTheRow_AndTheNextWriteStartsAtVersionOne()
    {
        var storage = await StartDeleteOnClearStorageAsync();
        var grainId = GrainId.Create("qs.test.delete", $"delete-{Guid.NewGuid():N}");
        var state = new GrainState<GrainStorageProviderTests.OriginalShape>(new() { Name = "doomed" });
        await storage.WriteStateAsync(StateName, grainId, state, Ct);
        await storage.WriteStateAsync(StateName, grainId, state, Ct);

        var stale = new GrainState<GrainStorageProviderTests.OriginalShape>(new(), "1");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, stale, Ct));
        await storage.ClearStateAsync(StateName, grainId, state, Ct);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_grain_state WHERE state_name = @state AND grain_id_string = @key",
            new Dictionary<string, object?> { ["state"] = StateName, ["key"] = grainId.Key.ToString() },
            Ct));
        await storage.WriteStateAsync(StateName, grainId, state, Ct);
        Assert.Equal("1", state.ETag);
    }

    private async Task<AdoNetGrainStorage> StartDeleteOnClearStorageAsync()
    {
        var services = PostgresClusterFixture.ServicesOf(fixture.Cluster.Silos[0]);
        var options = new AdoNetGrainStorageOptions
        {
            Invariant = PostgresSiloBuilderExtensions.Invariant,
            ConnectionString = fixture.Database.ConnectionString,
            GrainStorageSerializer = new QuantaSealGrainStateSerializer(),
            HashPicker = new StorageHasherPicker([new OrleansDefaultHasher()]),
            DeleteStateOnClear = true,
        };
        var storage = ActivatorUtilities.CreateInstance<AdoNetGrainStorage>(
            services, Options.Create(options), "delete-on-clear", services.GetRequiredService<IOptions<ClusterOptions>>());
        var lifecycle = new StartOnlyLifecycle();
        storage.Participate(lifecycle);
        await lifecycle.StartAsync(Ct);
        return storage;
    }

    /// <summary>Just enough of a silo lifecycle to run a provider's start-up.</summary>
    private sealed class StartOnlyLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; } = int.MinValue;

        public int LowestStoppedStage => int.MaxValue;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new Unsubscriber();
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage))
            {
                await observer.OnStart(cancellationToken);
                HighestCompletedStage = stage;
            }
        }

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
