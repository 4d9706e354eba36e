using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The HybridCryptoEnvelope (DESIGN §4; docs/envelope-v1.md and docs/envelope-v2.md): what the proxy returns and
/// only the tenant's client can open. Binary fields are standard base64 strings exactly as they travel;
/// <see cref="HybridEnvelopeOpener"/> decodes and checks them.
/// </summary>
/// <remarks>
/// <see cref="Success"/>, <see cref="AuditEventId"/> and every field of <see cref="Encrypted"/> are covered by
/// both signatures. In v2 (<see cref="Version"/> = 2) so are <see cref="RequestSha256"/>, <see cref="IssuedAt"/>,
/// <see cref="Error"/>, <see cref="Paging"/> and <see cref="RateLimit"/>; in v1 (no <c>version</c> member) those
/// extras are unsigned hints. <c>signature.algorithm</c> and <c>signature.key_id</c> are never signed (they are
/// checked for an exact value or a known key instead). Read the extras from what
/// <see cref="HybridEnvelopeOpener.Verify"/> returns, never from this object directly.
/// </remarks>
public sealed record HybridEnvelope
{
    /// <summary><c>2</c> for a v2 envelope; null (the member absent) for v1.</summary>
    [JsonPropertyName("version")]
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Version { get; init; }

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

    /// <summary>
    /// v2: lowercase hex SHA-256 of the request this envelope answers (the hash its audit event records), or the empty
    /// string for a call whose audit event records none (signed). Null in v1.
    /// </summary>
    [JsonPropertyName("request_sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RequestSha256 { get; init; }

    /// <summary>v2: when the envelope was sealed, RFC 3339 UTC with milliseconds (<c>2026-12-07T23:20:00.000Z</c>; signed). Null in v1.</summary>
    [JsonPropertyName("issued_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IssuedAt { get; init; }

    /// <summary>Error summary when <see cref="Success"/> is false; omitted from JSON when null. Signed in v2 only.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EnvelopeError? Error { get; init; }

    /// <summary>The proxy's <c>paging</c> object (<c>{"next_cursor": "..."}</c>), if any. Signed in v2 only.</summary>
    [JsonPropertyName("paging")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Paging { get; init; }

    /// <summary>The proxy's <c>rate_limit</c> object (the upstream's rate-limit headers as strings), if any. Signed in v2 only.</summary>
    [JsonPropertyName("rate_limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? RateLimit { get; init; }

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
