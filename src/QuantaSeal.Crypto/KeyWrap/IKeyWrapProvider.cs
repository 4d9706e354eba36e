namespace QuantaSeal.Crypto.KeyWrap;

/// <summary>
/// Wraps tenant private keys at rest under a key-encryption key (DESIGN §5). The local provider derives a
/// per-tenant KEK from a master key; a cloud KMS provider plugs in behind the same interface.
/// </summary>
public interface IKeyWrapProvider
{
    /// <summary>Stable provider name recorded in <see cref="WrappedKey.Provider"/> (e.g. <c>local</c>).</summary>
    string ProviderName { get; }

    /// <summary>Wraps <paramref name="plaintextKey"/> for <paramref name="tenantId"/>, bound to <paramref name="purpose"/>.</summary>
    ValueTask<WrappedKey> WrapAsync(string tenantId, string purpose, ReadOnlyMemory<byte> plaintextKey, CancellationToken cancellationToken = default);

    /// <summary>Unwraps a key; fails for any other tenant, purpose or key-encryption key.</summary>
    ValueTask<byte[]> UnwrapAsync(string tenantId, string purpose, WrappedKey wrapped, CancellationToken cancellationToken = default);

    /// <summary>
    /// Derives a 32-byte key of <paramref name="tenantId"/> for <paramref name="label"/> from the tenant's KEK (e.g. the key
    /// that authenticates the tenant's stored records). Deterministic: the same tenant, label and KEK always give the same
    /// key, and nobody without the KEK can compute it. The caller owns (and wipes) the returned array; it is never stored.
    /// </summary>
    ValueTask<byte[]> DeriveTenantKeyAsync(string tenantId, string label, CancellationToken cancellationToken = default);
}
