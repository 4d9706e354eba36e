namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// Byte lengths of the FIPS 203 / FIPS 204 standard encodings used by QuantaSeal (DESIGN §4).
/// </summary>
public static class PqcSizes
{
    /// <summary>ML-KEM-768 encapsulation (public) key, FIPS 203 ek.</summary>
    public const int MlKem768PublicKey = 1184;

    /// <summary>ML-KEM-768 ciphertext.</summary>
    public const int MlKem768Ciphertext = 1088;

    /// <summary>ML-KEM-768 key-generation seed d || z (FIPS 203 §7.1).</summary>
    public const int MlKem768Seed = 64;

    /// <summary>ML-KEM-768 expanded decapsulation key, FIPS 203 dk.</summary>
    public const int MlKem768ExpandedPrivate = 2400;

    /// <summary>ML-KEM shared secret.</summary>
    public const int MlKemSharedSecret = 32;

    /// <summary>ML-DSA-65 public key, FIPS 204 pk.</summary>
    public const int MlDsa65PublicKey = 1952;

    /// <summary>ML-DSA-65 signature.</summary>
    public const int MlDsa65Signature = 3309;

    /// <summary>ML-DSA-65 key-generation seed xi (FIPS 204 §6.1).</summary>
    public const int MlDsa65Seed = 32;

    /// <summary>ML-DSA-65 expanded private key, FIPS 204 sk.</summary>
    public const int MlDsa65ExpandedPrivate = 4032;

    /// <summary>Tenant HMAC-SHA-512 key.</summary>
    public const int HmacKey = 64;

    /// <summary>HMAC-SHA-512 output.</summary>
    public const int HmacSha512 = 64;

    /// <summary>AES-256-GCM nonce.</summary>
    public const int AesGcmNonce = 12;

    /// <summary>AES-256-GCM tag.</summary>
    public const int AesGcmTag = 16;

    /// <summary>AES-256 key.</summary>
    public const int Aes256Key = 32;
}
