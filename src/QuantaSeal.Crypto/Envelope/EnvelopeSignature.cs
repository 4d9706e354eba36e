using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>The <c>signature</c> object of the envelope (DESIGN §4).</summary>
public sealed record EnvelopeSignature
{
    /// <summary>Base64 of the 3309-byte ML-DSA-65 signature over the signed bytes.</summary>
    [JsonPropertyName("pqc_signature")]
    public required string PqcSignature { get; init; }

    /// <summary>Base64 of the 64-byte HMAC-SHA-512 over the signed bytes.</summary>
    [JsonPropertyName("hmac_signature")]
    public required string HmacSignature { get; init; }

    /// <summary>The tenant whose keys signed (must equal <c>encrypted.tenant_id</c>).</summary>
    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    /// <summary>Always <see cref="EnvelopeConstants.SignatureAlgorithm"/>.</summary>
    [JsonPropertyName("algorithm")]
    public required string Algorithm { get; init; }

    /// <summary>The tenant signing key (<c>sk_...</c>) whose ML-DSA-65 public key verifies the signature.</summary>
    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }
}
