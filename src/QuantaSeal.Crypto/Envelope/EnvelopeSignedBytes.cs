using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The one encoder of the signed bytes <c>m</c> (DESIGN §4), shared by the sealer, the opener, the SDK and
/// the tests so the layout exists in one place.
/// </summary>
/// <remarks>
/// <code>
/// m = "QSENV1"                                (6 ASCII bytes, no length prefix)
///   || len32be(UTF8(tenant_id))          || UTF8(tenant_id)
///   || len32be(UTF8(recipient_key_id))   || UTF8(recipient_key_id)
///   || len32be(UTF8(encrypted.algorithm))|| UTF8(encrypted.algorithm)
///   || len32be(ciphertext_kem)           || ciphertext_kem     (decoded bytes)
///   || len32be(nonce)                    || nonce              (decoded bytes)
///   || len32be(ciphertext_data)          || ciphertext_data    (decoded bytes, tag included)
///   || len32be(UTF8(audit_event_id))     || UTF8(audit_event_id)
///   || (success ? 0x01 : 0x00)                (ONE bare byte, not length-prefixed)
/// </code>
/// DESIGN says "and one byte": the success flag is a single trailing byte without a length prefix. It is
/// the last field and fixed-size, so the encoding stays unambiguous.
/// <para>
/// v2 (docs/envelope-v2.md) starts with <c>"QSENV2"</c>, keeps the v1 fields and the bare success byte where they
/// are, and appends three length-prefixed fields: <c>UTF8(request_sha256)</c>, <c>UTF8(issued_at)</c> and the
/// RFC 8785 canonical JSON of the extras. The success byte is fixed-size, so what follows it stays unambiguous.
/// </para>
/// </remarks>
public static class EnvelopeSignedBytes
{
    private static ReadOnlySpan<byte> Tag => "QSENV1"u8;

    private static ReadOnlySpan<byte> TagV2 => "QSENV2"u8;

    /// <summary>Builds <c>m</c> from the envelope fields (binary fields as decoded bytes).</summary>
    /// <exception cref="ArgumentException">A string field is not well-formed UTF-16.</exception>
    public static byte[] Build(
        string tenantId,
        string recipientKeyId,
        string algorithm,
        ReadOnlySpan<byte> ciphertextKem,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextData,
        string auditEventId,
        bool success)
        => FromStrings(tenantId, recipientKeyId, algorithm, ciphertextKem, nonce, ciphertextData, auditEventId, success, v2: null);

    /// <summary>Builds the v2 <c>m</c> from the envelope fields (binary fields as decoded bytes, <paramref name="extrasCanonicalJson"/> as UTF-8).</summary>
    /// <exception cref="ArgumentException">A string field is not well-formed UTF-16.</exception>
    public static byte[] BuildV2(
        string tenantId,
        string recipientKeyId,
        string algorithm,
        ReadOnlySpan<byte> ciphertextKem,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextData,
        string auditEventId,
        bool success,
        string requestSha256,
        string issuedAt,
        ReadOnlySpan<byte> extrasCanonicalJson)
    {
        ArgumentNullException.ThrowIfNull(requestSha256);
        ArgumentNullException.ThrowIfNull(issuedAt);
        return FromStrings(tenantId, recipientKeyId, algorithm, ciphertextKem, nonce, ciphertextData, auditEventId, success,
            new EnvelopeV2Fields(
                StrictUtf8.GetBytes(requestSha256, nameof(requestSha256)),
                StrictUtf8.GetBytes(issuedAt, nameof(issuedAt)),
                extrasCanonicalJson.ToArray()));
    }

    /// <summary>The string fields of both versions as strict UTF-8, then <see cref="Build(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, bool, EnvelopeV2Fields?)"/>.</summary>
    private static byte[] FromStrings(
        string tenantId,
        string recipientKeyId,
        string algorithm,
        ReadOnlySpan<byte> ciphertextKem,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextData,
        string auditEventId,
        bool success,
        EnvelopeV2Fields? v2)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(recipientKeyId);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(auditEventId);
        return Build(
            StrictUtf8.GetBytes(tenantId, nameof(tenantId)),
            StrictUtf8.GetBytes(recipientKeyId, nameof(recipientKeyId)),
            StrictUtf8.GetBytes(algorithm, nameof(algorithm)),
            ciphertextKem,
            nonce,
            ciphertextData,
            StrictUtf8.GetBytes(auditEventId, nameof(auditEventId)),
            success,
            v2);
    }

    internal static byte[] Build(
        ReadOnlySpan<byte> tenantIdUtf8,
        ReadOnlySpan<byte> recipientKeyIdUtf8,
        ReadOnlySpan<byte> algorithmUtf8,
        ReadOnlySpan<byte> ciphertextKem,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextData,
        ReadOnlySpan<byte> auditEventIdUtf8,
        bool success,
        EnvelopeV2Fields? v2 = null)
    {
        var tag = v2 is null ? Tag : TagV2;
        var length = checked(
            tag.Length
            + LengthPrefixed.FieldSize(tenantIdUtf8.Length)
            + LengthPrefixed.FieldSize(recipientKeyIdUtf8.Length)
            + LengthPrefixed.FieldSize(algorithmUtf8.Length)
            + LengthPrefixed.FieldSize(ciphertextKem.Length)
            + LengthPrefixed.FieldSize(nonce.Length)
            + LengthPrefixed.FieldSize(ciphertextData.Length)
            + LengthPrefixed.FieldSize(auditEventIdUtf8.Length)
            + 1
            + (v2 is null ? 0 : LengthPrefixed.FieldSize(v2.RequestSha256Utf8.Length) + LengthPrefixed.FieldSize(v2.IssuedAtUtf8.Length) + LengthPrefixed.FieldSize(v2.ExtrasUtf8.Length)));

        var m = new byte[length];
        var offset = 0;
        LengthPrefixed.WriteRaw(m, ref offset, tag);
        LengthPrefixed.WriteField(m, ref offset, tenantIdUtf8);
        LengthPrefixed.WriteField(m, ref offset, recipientKeyIdUtf8);
        LengthPrefixed.WriteField(m, ref offset, algorithmUtf8);
        LengthPrefixed.WriteField(m, ref offset, ciphertextKem);
        LengthPrefixed.WriteField(m, ref offset, nonce);
        LengthPrefixed.WriteField(m, ref offset, ciphertextData);
        LengthPrefixed.WriteField(m, ref offset, auditEventIdUtf8);
        m[offset++] = success ? (byte)1 : (byte)0;
        if (v2 is not null)
        {
            LengthPrefixed.WriteField(m, ref offset, v2.RequestSha256Utf8);
            LengthPrefixed.WriteField(m, ref offset, v2.IssuedAtUtf8);
            LengthPrefixed.WriteField(m, ref offset, v2.ExtrasUtf8);
        }

        return m;
    }
}
