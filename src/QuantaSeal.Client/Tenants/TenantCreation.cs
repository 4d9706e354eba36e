namespace QuantaSeal.Client.Tenants;

/// <summary>A new tenant. <see cref="ApiKey"/> and <see cref="HmacKey"/> are shown only in this answer: store them now.</summary>
/// <param name="TenantId">Tenant id.</param>
/// <param name="Name">Display name.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="ApiKey">The first admin API key.</param>
/// <param name="ApiKeyId">Its id.</param>
/// <param name="ApiKeyScopes">Its scopes.</param>
/// <param name="HmacKey">The tenant HMAC-SHA-512 key that envelopes are MACed with.</param>
/// <param name="SigningKey">The current signing public key.</param>
public sealed record TenantCreation(string TenantId, string Name, DateTimeOffset CreatedAt, string ApiKey, string ApiKeyId, IReadOnlyList<string> ApiKeyScopes, byte[] HmacKey, SigningKey SigningKey)
{
    /// <inheritdoc/>
    public override string ToString() => $"TenantCreation {{ TenantId = {TenantId}, ApiKeyId = {ApiKeyId} }}";
}
