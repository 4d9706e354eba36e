using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>The <c>encrypted</c> object of the envelope (DESIGN §4).</summary>
public sealed record EnvelopeEncrypted
{
    /// <summary>Base64 of the 1088-byte ML-KEM-768 ciphertext to the recipient key.</summary>
    [JsonPropertyName("ciphertext_kem")]
    public required string CiphertextKem { get; init; }

    /// <summary>Base64 of the AES-256-GCM ciphertext followed by its 16-byte tag.</summary>
    [JsonPropertyName("ciphertext_data")]
    public required string CiphertextData { get; init; }

    /// <summary>Base64 of the 12-byte AES-GCM nonce.</summary>
    [JsonPropertyName("nonce")]
    public required string Nonce { get; init; }

    /// <summary>The tenant the envelope belongs to (must equal <c>signature.tenant_id</c>).</summary>
    [JsonPropertyName("tenant_id")]
    public required string TenantId { get; init; }

    /// <summary>Always <see cref="EnvelopeConstants.KemAlgorithm"/>.</summary>
    [JsonPropertyName("algorithm")]
    public required string Algorithm { get; init; }

    /// <summary>The registered client recipient key the KEM ciphertext is addressed to.</summary>
    [JsonPropertyName("recipient_key_id")]
    public required string RecipientKeyId { get; init; }
}
