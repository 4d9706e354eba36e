using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>The "quantaseal" ADO.NET storage provider of a running silo, called directly.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class GrainStorageProviderTests(PostgresClusterFixture fixture)
{
    private const string StateName = "qs.test.direct/state";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IServiceProvider SiloServices => PostgresClusterFixture.ServicesOf(fixture.Cluster.Silos[0]);

    private IGrainStorage Storage => SiloServices.GetRequiredKeyedService<IGrainStorage>(QuantaSealStorage.Name);

    [Fact]
    public void QuantaSeal_RegistersNoDefaultProvider()
    {
        // Issue 14: a silo that hosts QuantaSeal keeps its own default storage provider (here it has none).
        Assert.NotNull(Storage);
        Assert.Null(SiloServices.GetKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        Assert.Null(SiloServices.GetService<IGrainStorage>());
    }

    [Fact]
    public async Task Write_WithStaleETag_ThrowsInconsistentState()
    {
        var grainId = NewStringGrainId();
        var current = new GrainState<OriginalShape>(new OriginalShape { Name = "v1" });
        await Storage.WriteStateAsync(StateName, grainId, current, Ct);
        var stale = new GrainState<OriginalShape>(new OriginalShape { Name = "stale" }, current.ETag);
        current.State!.Name = "v2";
        await Storage.WriteStateAsync(StateName, grainId, current, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, stale, Ct));

        var read = new GrainState<OriginalShape>();
        await Storage.ReadStateAsync(StateName, grainId, read, Ct);
        Assert.Equal("v2", read.State!.Name);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task FirstWrite_OverAnExistingRow_ThrowsInconsistentState()
    {
        var grainId = NewStringGrainId();
        await Storage.WriteStateAsync(StateName, grainId, new GrainState<OriginalShape>(new OriginalShape { Name = "first" }), Ct);

        var unaware = new GrainState<OriginalShape>(new OriginalShape { Name = "second" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, unaware, Ct));
    }

    [Fact]
    public async Task ConcurrentFirstWrites_ExactlyOneWins()
    {
        var grainId = NewStringGrainId();
        var attempts = Enumerable.Range(0, 8)
            .Select(i => Storage.WriteStateAsync(StateName, grainId, new GrainState<OriginalShape>(new OriginalShape { Name = $"w{i}" }), Ct))
            .ToArray();

        var outcomes = await Task.WhenAll(attempts.Select(async attempt =>
        {
            try
            {
                await attempt;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
    }

    [Fact]
    public async Task State_SurvivesARenameOfItsType()
    {
        var grainId = NewStringGrainId();
        await Storage.WriteStateAsync(
            StateName, grainId, new GrainState<OriginalShape>(new OriginalShape { Name = "kept", Obsolete = "dropped later" }), Ct);

        var read = new GrainState<RenamedShape>();
        await Storage.ReadStateAsync(StateName, grainId, read, Ct);

        Assert.True(read.RecordExists);
        Assert.Equal("kept", read.State!.Name);
        Assert.Equal(42, read.State!.AddedLater);
    }

    [Fact]
    public async Task Keys_DoNotCollide_AcrossKeyKindsExtensionsAndStateNames()
    {
        var guid = Guid.NewGuid();
        var ids = new[]
        {
            GrainId.Create(GrainType.Create("qs.test.direct"), GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(GrainType.Create("qs.test.direct"), GrainIdKeyExtensions.CreateGuidKey(guid, "a")),
            GrainId.Create(GrainType.Create("qs.test.direct"), GrainIdKeyExtensions.CreateGuidKey(guid, "b")),
            GrainId.Create(GrainType.Create("qs.test.direct"), GrainIdKeyExtensions.CreateIntegerKey(7, "a")),
            GrainId.Create("qs.test.direct", new string('k', 5000)),
        };
        foreach (var (id, index) in ids.Select((id, index) => (id, index)))
        {
            await Storage.WriteStateAsync(StateName, id, new GrainState<OriginalShape>(new OriginalShape { Name = $"n{index}" }), Ct);
            await Storage.WriteStateAsync("qs.test.direct/other", id, new GrainState<OriginalShape>(new OriginalShape { Name = $"o{index}" }), Ct);
        }

        foreach (var (id, index) in ids.Select((id, index) => (id, index)))
        {
            var read = new GrainState<OriginalShape>();
            await Storage.ReadStateAsync(StateName, id, read, Ct);
            Assert.Equal($"n{index}", read.State!.Name);
            Assert.Equal("1", read.ETag);
        }
    }

    [Fact]
    public async Task Read_OfAMissingRow_GivesDefaultStateAndNoETag()
    {
        var read = new GrainState<OriginalShape>();
        await Storage.ReadStateAsync(StateName, NewStringGrainId(), read, Ct);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
        Assert.Null(read.State!.Name);
    }

    private static GrainId NewStringGrainId() => GrainId.Create("qs.test.direct", $"direct-{Guid.NewGuid():N}");

    public sealed class OriginalShape
    {
        public string? Name { get; set; }

        public string? Obsolete { get; set; }
    }

    /// <summary>A different CLR type (as after a rename or move) reading the same stored JSON.</summary>
    public sealed class RenamedShape
    {
        public string? Name { get; set; }

        public int AddedLater { get; set; } = 42;
    }
}
