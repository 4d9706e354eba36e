namespace QuantaSeal.Samples.EmbeddedHost.Users;

/// <summary>
/// The host's own grain (key = the host's name for a customer): it remembers which QuantaSeal tenant and integration
/// serve that customer and lists the customer's Auth0 users through QuantaSeal.
/// </summary>
[Alias("sample.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Links the customer to a QuantaSeal tenant and one of its integrations.</summary>
    [Alias("Connect")]
    Task ConnectAsync(string tenantId, string integrationId, CancellationToken cancellationToken = default);

    /// <summary>Lists users through QuantaSeal; the answer is an envelope only the tenant's recipient key opens.</summary>
    [Alias("ListUsers")]
    Task<UserListing> ListUsersAsync(int perPage, CancellationToken cancellationToken = default);
}
