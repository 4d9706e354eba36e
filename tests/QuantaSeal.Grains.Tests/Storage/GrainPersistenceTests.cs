using System.Text.Json;
using Orleans.Storage;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>Grain state through a real silo, the ADO.NET provider and this project's SQL.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class GrainPersistenceTests(PostgresClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WrittenState_IsReadBack_ByANewActivation()
    {
        var grain = fixture.Client.GetGrain<IProfileTestGrain>(NewKey());

        var written = await grain.SetAsync("Ada", 3, Ct);
        await grain.DeactivateAsync(Ct);
        var read = await grain.GetAsync(Ct);

        Assert.NotEqual(written.ActivationId, read.ActivationId);
        Assert.Equal("Ada", read.DisplayName);
        Assert.Equal(3, read.Count);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task EachWrite_BumpsTheStoredVersion()
    {
        var key = NewKey();
        var grain = fixture.Client.GetGrain<IProfileTestGrain>(key);

        var first = await grain.SetAsync("a", 1, Ct);
        var second = await grain.SetAsync("b", 2, Ct);

        Assert.Equal("1", first.ETag);
        Assert.Equal("2", second.ETag);
        Assert.Equal(2, await StoredVersionAsync(key));
    }

    [Fact]
    public async Task StoredPayload_IsSnakeCaseJson_WithoutTypeNames()
    {
        var key = NewKey();
        await fixture.Client.GetGrain<IProfileTestGrain>(key).SetAsync("Grace", 7, Ct);

        var json = await fixture.Database.ScalarAsync<string>(
            "SELECT payload::text FROM orleans_grain_state WHERE state_name = @state AND grain_id_string = @key",
            new Dictionary<string, object?> { ["state"] = ProfileTestGrain.StoredStateName, ["key"] = key },
            Ct);

        using var document = JsonDocument.Parse(json!);
        var root = document.RootElement;
        Assert.Equal("Grace", root.GetProperty("display_name").GetString());
        Assert.Equal(7, root.GetProperty("count").GetInt32());
        Assert.Equal("deep_blue", root.GetProperty("favourite_color").GetString());
        Assert.Equal(7, root.GetProperty("tags").GetProperty("MixedCase-Key").GetInt32());
        Assert.DoesNotContain("$type", json!, StringComparison.Ordinal);
        Assert.DoesNotContain("QuantaSeal", json!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ThrowsInconsistentState_WhenTheRowChangedBehindTheGrain()
    {
        var key = NewKey();
        var grain = fixture.Client.GetGrain<IProfileTestGrain>(key);
        await grain.SetAsync("mine", 1, Ct);

        // Another writer (a duplicate activation after a partition, say) got there first.
        await fixture.Database.ScalarAsync<int>(
            "UPDATE orleans_grain_state SET version = version + 1 WHERE state_name = @state AND grain_id_string = @key RETURNING version",
            new Dictionary<string, object?> { ["state"] = ProfileTestGrain.StoredStateName, ["key"] = key },
            Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.SetAsync("lost update", 2, Ct));

        // Orleans deactivates the activation that saw the conflict; the next one reads the current row.
        var reread = await grain.GetAsync(Ct);
        Assert.Equal("mine", reread.DisplayName);
        Assert.Equal("2", reread.ETag);
        var retried = await grain.SetAsync("retried", 3, Ct);
        Assert.Equal("3", retried.ETag);
    }

    [Fact]
    public async Task Clear_KeepsARowWithoutPayload_AndANewerVersion()
    {
        var key = NewKey();
        var grain = fixture.Client.GetGrain<IProfileTestGrain>(key);
        await grain.SetAsync("short-lived", 5, Ct);

        var cleared = await grain.ClearAsync(Ct);
        await grain.DeactivateAsync(Ct);
        var reread = await grain.GetAsync(Ct);

        Assert.False(cleared.RecordExists);
        Assert.Null(cleared.DisplayName);
        Assert.Equal("2", cleared.ETag);
        Assert.False(reread.RecordExists);
        Assert.Null(reread.DisplayName);
        Assert.Equal(0, reread.Count);
        Assert.Equal("2", reread.ETag);
        Assert.True(await fixture.Database.ScalarAsync<bool>(
            "SELECT payload IS NULL FROM orleans_grain_state WHERE state_name = @state AND grain_id_string = @key",
            new Dictionary<string, object?> { ["state"] = ProfileTestGrain.StoredStateName, ["key"] = key },
            Ct));

        var rewritten = await grain.SetAsync("again", 6, Ct);
        Assert.Equal("3", rewritten.ETag);
    }

    private async Task<int> StoredVersionAsync(string key) =>
        await fixture.Database.ScalarAsync<int>(
            "SELECT version FROM orleans_grain_state WHERE state_name = @state AND grain_id_string = @key",
            new Dictionary<string, object?> { ["state"] = ProfileTestGrain.StoredStateName, ["key"] = key },
            Ct);

    private static string NewKey() => $"profile-{Guid.NewGuid():N}";
}
