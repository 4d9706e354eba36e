using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Tenants;

/// <summary>Persisted directory of a tenant's object ids.</summary>
[GenerateSerializer, Alias("qs.TenantDirectoryState")]
public sealed class TenantDirectoryState
{
    [Id(0)] public List<string> Ids { get; set; } = [];
}

/// <inheritdoc cref="ITenantDirectoryGrain"/>
[GrainType("qs.tenant-directory")]
internal sealed class TenantDirectoryGrain(
    [PersistentState("directory", StorageNames.QuantaSeal)] IPersistentState<TenantDirectoryState> state) : Grain, ITenantDirectoryGrain, ITenantOwned
{
    internal const int MaxObjects = 10_000;

    public async Task AddAsync(string objectId, CancellationToken cancellationToken = default)
    {
        if (state.State.Ids.Contains(objectId, StringComparer.Ordinal))
        {
            return;
        }

        if (state.State.Ids.Count >= MaxObjects)
        {
            throw new QuantaSealValidationException("name", $"A tenant may have at most {MaxObjects} credentials and integrations.");
        }

        state.State.Ids.Add(objectId);
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task RemoveAsync(string objectId, CancellationToken cancellationToken = default)
    {
        if (state.State.Ids.Remove(objectId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Ids.Where(i => i.StartsWith(prefix, StringComparison.Ordinal))]);

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal);
}
