namespace QuantaSeal.Client.Tenants;

/// <summary>A tenant's public description.</summary>
/// <param name="TenantId">Tenant id.</param>
/// <param name="Name">Display name.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="CurrentSigningKeyId">Current signing key id.</param>
/// <param name="KeyVersion">Increases with every key change.</param>
public sealed record TenantDetails(string TenantId, string Name, DateTimeOffset CreatedAt, string CurrentSigningKeyId, int KeyVersion);
