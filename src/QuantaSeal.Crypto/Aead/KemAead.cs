using System.Security.Cryptography;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Aead;

/// <summary>
/// The symmetric half shared by envelopes (DESIGN §4) and the vault (DESIGN §5): HKDF-SHA-256 from the
/// ML-KEM shared secret with an empty salt, then AES-256-GCM with a 12-byte nonce and the 16-byte tag
/// appended to the ciphertext.
/// </summary>
internal static class KemAead
{
    public static void DeriveKey(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info, Span<byte> key) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, key, salt: ReadOnlySpan<byte>.Empty, info);

    /// <summary>Returns ciphertext || tag.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        var output = new byte[checked(plaintext.Length + PqcSizes.AesGcmTag)];
        using var aes = new AesGcm(key, PqcSizes.AesGcmTag);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        return output;
    }

    /// <summary>
    /// Decrypts ciphertext || tag. Returns <see langword="false"/> (and no plaintext) when the tag does not
    /// verify; the partially written buffer is wiped.
    /// </summary>
    public static bool TryDecrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextAndTag,
        ReadOnlySpan<byte> aad,
        out byte[] plaintext)
    {
        plaintext = [];
        if (ciphertextAndTag.Length < PqcSizes.AesGcmTag || nonce.Length != PqcSizes.AesGcmNonce)
        {
            return false;
        }

        var ciphertextLength = ciphertextAndTag.Length - PqcSizes.AesGcmTag;
        var output = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(key, PqcSizes.AesGcmTag);
            aes.Decrypt(nonce, ciphertextAndTag[..ciphertextLength], ciphertextAndTag[ciphertextLength..], output, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(output);
            return false;
        }

        plaintext = output;
        return true;
    }
}
