using System.Security.Cryptography;
using QuantaSeal.Crypto.Aead;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Vault;

/// <summary>
/// Seals credentials to a tenant's vault ML-KEM-768 key (DESIGN §5): encapsulate, HKDF-SHA-256 with info
/// <c>QuantaSeal/v1/vault-key</c>, AES-256-GCM with <see cref="VaultAad.ToBytes"/> as AAD.
/// </summary>
public static class VaultSealer
{
    private static ReadOnlySpan<byte> KeyDerivationInfo => "QuantaSeal/v1/vault-key"u8;

    /// <summary>Seals <paramref name="plaintext"/> to the vault public key, bound to <paramref name="aad"/>.</summary>
    /// <exception cref="ArgumentException">The public key or the AAD is invalid.</exception>
    public static SealedSecret Seal(ReadOnlySpan<byte> vaultPublicKey, VaultAad aad, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(aad);
        var aadBytes = aad.ToBytes();
        var (ciphertextKem, sharedSecret) = MlKem768KeyPair.Encapsulate(vaultPublicKey);
        Span<byte> key = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            KemAead.DeriveKey(sharedSecret, KeyDerivationInfo, key);
            var nonce = RandomNumberGenerator.GetBytes(PqcSizes.AesGcmNonce);
            return new SealedSecret(ciphertextKem, nonce, KemAead.Encrypt(key, nonce, plaintext, aadBytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Unseals a secret; the caller owns (and should wipe) the returned plaintext.</summary>
    /// <exception cref="VaultUnsealException">The secret is malformed, bound to other AAD, or sealed to another key.</exception>
    public static byte[] Unseal(MlKem768KeyPair vaultKey, VaultAad aad, SealedSecret sealedSecret)
    {
        ArgumentNullException.ThrowIfNull(vaultKey);
        ArgumentNullException.ThrowIfNull(aad);
        ArgumentNullException.ThrowIfNull(sealedSecret);
        if (sealedSecret.CiphertextKem is not { Length: PqcSizes.MlKem768Ciphertext }
            || sealedSecret.Nonce is not { Length: PqcSizes.AesGcmNonce }
            || sealedSecret.CiphertextData is null
            || sealedSecret.CiphertextData.Length < PqcSizes.AesGcmTag)
        {
            throw new VaultUnsealException("The sealed secret is malformed (wrong ciphertext, nonce or tag length).");
        }

        var aadBytes = aad.ToBytes();
        var sharedSecret = vaultKey.Decapsulate(sealedSecret.CiphertextKem);
        Span<byte> key = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            KemAead.DeriveKey(sharedSecret, KeyDerivationInfo, key);
            return KemAead.TryDecrypt(key, sealedSecret.Nonce, sealedSecret.CiphertextData, aadBytes, out var plaintext)
                ? plaintext
                : throw new VaultUnsealException(
                    "The sealed secret could not be unsealed: wrong vault key, AAD mismatch (tenant, credential, type or version) or corrupted data.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
