using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Storage;

[GrainType(GrainTypeName)]
internal sealed class ProfileTestGrain(
    [PersistentState(ProfileTestGrain.StateName, QuantaSealStorage.Name)] IPersistentState<ProfileTestState> state) : Grain, IProfileTestGrain
{
    internal const string GrainTypeName = "qs.test.profile";
    internal const string StateName = "profile";

    /// <summary>The state name the storage provider sees (grain type scoped, see GrainTypeScopedPersistentStateFactory).</summary>
    internal const string StoredStateName = GrainTypeName + "/" + StateName;

    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<ProfileTestView> SetAsync(string displayName, int count, CancellationToken cancellationToken = default)
    {
        state.State.DisplayName = displayName;
        state.State.Count = count;
        state.State.FavouriteColor = ProfileTestColor.DeepBlue;
        state.State.Tags["MixedCase-Key"] = count;
        await state.WriteStateAsync(cancellationToken);
        return View();
    }

    public Task<ProfileTestView> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(View());

    public async Task<ProfileTestView> ClearAsync(CancellationToken cancellationToken = default)
    {
        await state.ClearStateAsync(cancellationToken);
        return View();
    }

    public Task DeactivateAsync(CancellationToken cancellationToken = default)
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private ProfileTestView View() =>
        new(state.State.DisplayName, state.State.Count, state.RecordExists, state.Etag, _activationId);
}
