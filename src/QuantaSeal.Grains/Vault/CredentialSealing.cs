using System.Security.Cryptography;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Crypto.Vault;

namespace QuantaSeal.Grains.Vault;

/// <summary>Seals credential values to a tenant's vault key and opens them inside a silo (DESIGN §5).</summary>
public static class CredentialSealing
{
    /// <summary>Seals canonical values; the result carries a fingerprint of the sealed bytes (never of the values).</summary>
    public static SealedCredential Seal(byte[] vaultPublicKey, string tenantId, string credentialId, string credentialType, int version, ReadOnlySpan<byte> canonicalValues)
    {
        var sealedSecret = VaultSealer.Seal(vaultPublicKey, new VaultAad(tenantId, credentialId, credentialType, version), canonicalValues);

        // A fingerprint of the sealed form identifies this version without revealing anything about the values
        // (a hash of the values themselves would let anyone test guesses of a weak secret).
        var digest = SHA256.HashData([.. sealedSecret.CiphertextKem, .. sealedSecret.Nonce, .. sealedSecret.CiphertextData]);
        var fingerprint = "sha256:" + Convert.ToHexStringLower(digest.AsSpan(0, 16));
        return new SealedCredential(version, sealedSecret.CiphertextKem, sealedSecret.Nonce, sealedSecret.CiphertextData, fingerprint, credentialType);
    }

    /// <summary>
    /// Opens a sealed credential: fetches the tenant's wrapped vault key, unwraps it with the KEK provider, unseals.
    /// The caller owns (and should zero) the returned bytes.
    /// </summary>
    public static async Task<byte[]> UnsealAsync(IGrainFactory grains, IKeyWrapProvider keyWrap, string tenantId, string credentialId, SealedCredential sealedCredential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(keyWrap);
        ArgumentNullException.ThrowIfNull(sealedCredential);
        var wrapped = await grains.GetGrain<ITenantGrain>(tenantId).GetWrappedVaultKeyAsync(cancellationToken);
        var seed = await keyWrap.UnwrapAsync(tenantId, wrapped.Purpose, new WrappedKey(wrapped.Provider, wrapped.KeyRef, wrapped.Ciphertext), cancellationToken);
        try
        {
            using var vaultKey = MlKem768KeyPair.FromSeed(seed);
            return VaultSealer.Unseal(
                vaultKey,
                new VaultAad(tenantId, credentialId, sealedCredential.CredentialType, sealedCredential.Version),
                new SealedSecret(sealedCredential.CiphertextKem, sealedCredential.Nonce, sealedCredential.CiphertextData));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
