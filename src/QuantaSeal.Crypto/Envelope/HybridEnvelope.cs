using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The HybridCryptoEnvelope v1 (DESIGN §4): what the proxy returns and only the tenant's client can open.
/// Binary fields are standard base64 strings exactly as they travel; <see cref="HybridEnvelopeOpener"/>
/// decodes and checks them.
/// </summary>
/// <remarks>
/// <see cref="Success"/>, <see cref="AuditEventId"/> and every field of <see cref="Encrypted"/> are covered by
/// both signatures; <see cref="Error"/>, <c>signature.algorithm</c> and <c>signature.key_id</c> are not
/// signed (the last two are checked for an exact value or a known key instead), so treat
/// <see cref="Error"/> as an unauthenticated hint and the decrypted payload as the authoritative answer.
/// </remarks>
public sealed record HybridEnvelope
{
    /// <summary>Whether the proxied call succeeded (signed).</summary>
    [JsonPropertyName("success")]
    public required bool Success { get; init; }

    /// <summary>The KEM ciphertext, AES-GCM payload and their bindings.</summary>
    [JsonPropertyName("encrypted")]
    public required EnvelopeEncrypted Encrypted { get; init; }

    /// <summary>The ML-DSA-65 and HMAC-SHA-512 signatures over the signed bytes.</summary>
    [JsonPropertyName("signature")]
    public required EnvelopeSignature Signature { get; init; }

    /// <summary>The audit event recording this call (signed, and part of the AES-GCM AAD).</summary>
    [JsonPropertyName("audit_event_id")]
    public required string AuditEventId { get; init; }

    /// <summary>Error summary when <see cref="Success"/> is false; omitted from JSON when null. Not signed.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EnvelopeError? Error { get; init; }

    /// <summary>Serialises the envelope as compact JSON with the wire property names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EnvelopeJsonContext.Strict.HybridEnvelope);

    /// <summary>
    /// Parses envelope JSON. The shape is checked strictly (required members present and non-null, correct
    /// JSON types, no duplicate properties, case-sensitive names); unknown members are ignored. Field
    /// contents (base64, lengths, algorithms) are checked by <see cref="HybridEnvelopeOpener"/>.
    /// </summary>
    /// <exception cref="EnvelopeFormatException">The text is not an envelope.</exception>
    public static HybridEnvelope FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        HybridEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(json, EnvelopeJsonContext.Strict.HybridEnvelope);
        }
        catch (JsonException ex)
        {
            throw new EnvelopeFormatException("The text is not a HybridCryptoEnvelope: " + DescribeLocation(ex), ex);
        }

        return envelope ?? throw new EnvelopeFormatException("The text is not a HybridCryptoEnvelope: it is JSON null.");
    }

    // The JsonException message can quote a character of the input; the location is enough.
    private static string DescribeLocation(JsonException ex) =>
        ex.Path is null ? "invalid JSON or missing members." : $"invalid or missing value at '{ex.Path}'.";
}
