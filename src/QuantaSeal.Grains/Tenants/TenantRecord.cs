using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Tenants;

/// <summary>
/// What authenticates a tenant's record: every field of it, under the tenant id. That covers what grants access or
/// decides where secrets go (the vault public key new credentials are sealed to, the signing and recipient public keys,
/// the default recipient key, the API key list with scopes and revocations) and the wrapped keys' bindings, in list order.
/// </summary>
internal static class TenantRecord
{
    public static RecordIdentity Identity(string tenantId, TenantState state) =>
        new(RecordKinds.Tenant, state.TenantId ?? string.Empty, tenantId, state.RecordVersion);

    public static Action<RecordMac> Fields(TenantState state) => mac =>
    {
        mac.Add(state.Name).Add(state.CreatedAt).Add(state.KeyVersion).Add(state.SchemaVersion)
            .Add(state.VaultPublicKey);
        AddWrapped(mac, state.VaultPrivateSeed);
        mac.Add(state.SigningKeys.Count);
        foreach (var key in state.SigningKeys)
        {
            mac.Add(key.KeyId).Add(key.PublicKey).Add(key.CreatedAt).Add(key.RetiredAt);
            AddWrapped(mac, key.WrappedSeed);
        }

        mac.Add(state.CurrentSigningKeyId);
        AddWrapped(mac, state.HmacKey);
        mac.Add(state.RecipientKeys.Count);
        foreach (var key in state.RecipientKeys)
        {
            mac.Add(key.RecipientKeyId).Add(key.PublicKey).Add(key.Label).Add(key.CreatedAt).Add(key.RevokedAt);
        }

        mac.Add(state.DefaultRecipientKeyId);
        mac.Add(state.ApiKeys.Count);
        foreach (var key in state.ApiKeys)
        {
            mac.Add(key.ApiKeyId).Add(key.Name).Add(key.Scopes).Add(key.Environment).Add(key.CreatedAt).Add(key.RevokedAt);
        }
    };

    private static void AddWrapped(RecordMac mac, WrappedKeyState? wrapped)
    {
        if (wrapped is null)
        {
            mac.Add(false);
            return;
        }

        mac.Add(true).Add(wrapped.Provider).Add(wrapped.KeyRef).Add(wrapped.Purpose).Add(wrapped.Ciphertext);
    }
}
