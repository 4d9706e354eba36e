using Orleans.Concurrency;

namespace QuantaSeal.Abstractions.Tenants;

/// <summary>The ids of a tenant's credentials and integrations (key = tenant id), for listing.</summary>
[Alias("qs.ITenantDirectoryGrain")]
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Adds an id (<c>cred_</c> or <c>int_</c>).</summary>
    [Alias("Add")]
    Task AddAsync(string objectId, CancellationToken cancellationToken = default);

    /// <summary>Removes an id.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string objectId, CancellationToken cancellationToken = default);

    /// <summary>The ids with <paramref name="prefix"/>, oldest first.</summary>
    [Alias("List")]
    [ReadOnly]
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
