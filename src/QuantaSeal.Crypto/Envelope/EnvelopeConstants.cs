namespace QuantaSeal.Crypto.Envelope;

/// <summary>The fixed strings of the HybridCryptoEnvelope v1 and v2 wire contracts (DESIGN §4, docs/envelope-v2.md).</summary>
public static class EnvelopeConstants
{
    /// <summary>Value of <c>encrypted.algorithm</c>.</summary>
    public const string KemAlgorithm = "ML-KEM-768";

    /// <summary>Value of <c>signature.algorithm</c>.</summary>
    public const string SignatureAlgorithm = "ML-DSA-65+HMAC-SHA-512";

    /// <summary>The ML-DSA-65 context string (UTF-8) of a v1 <c>pqc_signature</c>.</summary>
    public const string SignatureContext = "QuantaSeal/v1/envelope";

    /// <summary>The ML-DSA-65 context string (UTF-8) of a v2 <c>pqc_signature</c>.</summary>
    public const string SignatureContextV2 = "QuantaSeal/v2/envelope";

    /// <summary>The value of the top-level <c>version</c> member of a v2 envelope (a v1 envelope has no such member).</summary>
    public const int Version2 = 2;

    /// <summary>The HKDF-SHA-256 <c>info</c> deriving the AES-256-GCM key from the ML-KEM shared secret.</summary>
    public const string KeyDerivationInfo = "QuantaSeal/v1/envelope-key";

    /// <summary>The ASCII tag that starts the v1 signed bytes <c>m</c>.</summary>
    public const string SignedBytesTag = "QSENV1";

    /// <summary>The ASCII tag that starts the v2 signed bytes <c>m</c>.</summary>
    public const string SignedBytesTagV2 = "QSENV2";

    /// <summary>The exact form of a v2 <c>issued_at</c>: RFC 3339, UTC, milliseconds, <c>Z</c>.</summary>
    public const string IssuedAtFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>
    /// Longest accepted identifier (<c>tenant_id</c>, <c>recipient_key_id</c>, <c>audit_event_id</c>,
    /// <c>key_id</c>), in UTF-8 bytes. Identifiers must also be non-empty and free of control characters.
    /// </summary>
    public const int MaxIdentifierBytes = 256;

    // UTF-8 forms used on the hot path; kept next to the strings they must equal.
    internal static ReadOnlySpan<byte> KemAlgorithmUtf8 => "ML-KEM-768"u8;

    internal static ReadOnlySpan<byte> KeyDerivationInfoUtf8 => "QuantaSeal/v1/envelope-key"u8;
}
