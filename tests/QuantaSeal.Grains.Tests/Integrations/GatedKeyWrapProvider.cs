using System.Collections.Concurrent;
using QuantaSeal.Crypto.KeyWrap;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// The silos' key-wrap provider with a test hook: the next unwrap of a tenant's vault key (what an integration does
/// when it fetches and unseals its credential) can be held at a <see cref="TestGate"/>, so a test can interleave a
/// rotation with a credential fetch deterministically.
/// </summary>
public sealed class GatedKeyWrapProvider(IKeyWrapProvider inner) : IKeyWrapProvider
{
    /// <summary>The tenant grain's purpose for the wrapped vault key (TenantGrain.PurposeVault).</summary>
    public const string VaultPurpose = "vault-kem-seed";

    private static readonly ConcurrentDictionary<string, TestGate> VaultUnwrapGates = new(StringComparer.Ordinal);

    public string ProviderName => inner.ProviderName;

    /// <summary>Holds the next vault-key unwrap of <paramref name="tenantId"/> at the returned gate.</summary>
    public static TestGate HoldNextVaultUnwrap(string tenantId)
    {
        var gate = new TestGate();
        VaultUnwrapGates[tenantId] = gate;
        return gate;
    }

    public ValueTask<WrappedKey> WrapAsync(string tenantId, string purpose, ReadOnlyMemory<byte> plaintextKey, CancellationToken cancellationToken = default) =>
        inner.WrapAsync(tenantId, purpose, plaintextKey, cancellationToken);

    public ValueTask<byte[]> DeriveTenantKeyAsync(string tenantId, string label, CancellationToken cancellationToken = default) =>
        inner.DeriveTenantKeyAsync(tenantId, label, cancellationToken);

    public async ValueTask<byte[]> UnwrapAsync(string tenantId, string purpose, WrappedKey wrapped, CancellationToken cancellationToken = default)
    {
        if (string.Equals(purpose, VaultPurpose, StringComparison.Ordinal) && VaultUnwrapGates.TryRemove(tenantId, out var gate))
        {
            await gate.PassAsync(cancellationToken).ConfigureAwait(false);
        }

        return await inner.UnwrapAsync(tenantId, purpose, wrapped, cancellationToken).ConfigureAwait(false);
    }
}
