namespace QuantaSeal.Crypto.Envelope;

/// <summary>The fixed strings of the HybridCryptoEnvelope v1 wire contract (DESIGN §4).</summary>
public static class EnvelopeConstants
{
    /// <summary>Value of <c>encrypted.algorithm</c>.</summary>
    public const string KemAlgorithm = "ML-KEM-768";

    /// <summary>Value of <c>signature.algorithm</c>.</summary>
    public const string SignatureAlgorithm = "ML-DSA-65+HMAC-SHA-512";

    /// <summary>The ML-DSA-65 context string (UTF-8) of <c>pqc_signature</c>.</summary>
    public const string SignatureContext = "QuantaSeal/v1/envelope";

    /// <summary>The HKDF-SHA-256 <c>info</c> deriving the AES-256-GCM key from the ML-KEM shared secret.</summary>
    public const string KeyDerivationInfo = "QuantaSeal/v1/envelope-key";

    /// <summary>The ASCII tag that starts the signed bytes <c>m</c>.</summary>
    public const string SignedBytesTag = "QSENV1";

    /// <summary>
    /// Longest accepted identifier (<c>tenant_id</c>, <c>recipient_key_id</c>, <c>audit_event_id</c>,
    /// <c>key_id</c>), in UTF-8 bytes. Identifiers must also be non-empty and free of control characters.
    /// </summary>
    public const int MaxIdentifierBytes = 256;

    // UTF-8 forms used on the hot path; kept next to the strings they must equal.
    internal static ReadOnlySpan<byte> KemAlgorithmUtf8 => "ML-KEM-768"u8;

    internal static ReadOnlySpan<byte> KeyDerivationInfoUtf8 => "QuantaSeal/v1/envelope-key"u8;
}
