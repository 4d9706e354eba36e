namespace QuantaSeal.Client.Tenants;

/// <summary>A tenant's published keys.</summary>
/// <param name="TenantId">Tenant id.</param>
/// <param name="CurrentSigningKeyId">The key id new envelopes are signed with.</param>
/// <param name="SigningKeys">Current and retired signing public keys.</param>
/// <param name="RecipientKeys">Registered recipient keys.</param>
public sealed record TenantKeys(string TenantId, string CurrentSigningKeyId, IReadOnlyList<SigningKey> SigningKeys, IReadOnlyList<RecipientKeyRegistration> RecipientKeys)
{
    /// <summary>The signing public keys by key id, ready to pin in an envelope opener.</summary>
    public IReadOnlyDictionary<string, byte[]> SigningPublicKeysById() =>
        SigningKeys.ToDictionary(k => k.KeyId, k => k.PublicKey, StringComparer.Ordinal);
}
