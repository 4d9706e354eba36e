namespace QuantaSeal.Client.Tenants;

/// <summary>API key metadata (never the key).</summary>
/// <param name="ApiKeyId">Key id (<c>ak_...</c>).</param>
/// <param name="Name">Label.</param>
/// <param name="Scopes">Scopes.</param>
/// <param name="Environment"><c>live</c> or <c>test</c>.</param>
/// <param name="Prefix">Key prefix.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="RevokedAt">Revocation time, if revoked.</param>
public sealed record ApiKeyDetails(string ApiKeyId, string Name, IReadOnlyList<string> Scopes, string Environment, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
