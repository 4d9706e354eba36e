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
}
