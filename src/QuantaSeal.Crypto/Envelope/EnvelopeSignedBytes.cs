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
/// </remarks>
public static class EnvelopeSignedBytes
{
    private static ReadOnlySpan<byte> Tag => "QSENV1"u8;

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
            success);
    }

    internal static byte[] Build(
        ReadOnlySpan<byte> tenantIdUtf8,
        ReadOnlySpan<byte> recipientKeyIdUtf8,
        ReadOnlySpan<byte> algorithmUtf8,
        ReadOnlySpan<byte> ciphertextKem,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextData,
        ReadOnlySpan<byte> auditEventIdUtf8,
        bool success)
    {
        var length = checked(
            Tag.Length
            + LengthPrefixed.FieldSize(tenantIdUtf8.Length)
            + LengthPrefixed.FieldSize(recipientKeyIdUtf8.Length)
            + LengthPrefixed.FieldSize(algorithmUtf8.Length)
            + LengthPrefixed.FieldSize(ciphertextKem.Length)
            + LengthPrefixed.FieldSize(nonce.Length)
            + LengthPrefixed.FieldSize(ciphertextData.Length)
            + LengthPrefixed.FieldSize(auditEventIdUtf8.Length)
            + 1);

        var m = new byte[length];
        var offset = 0;
        LengthPrefixed.WriteRaw(m, ref offset, Tag);
        LengthPrefixed.WriteField(m, ref offset, tenantIdUtf8);
        LengthPrefixed.WriteField(m, ref offset, recipientKeyIdUtf8);
        LengthPrefixed.WriteField(m, ref offset, algorithmUtf8);
        LengthPrefixed.WriteField(m, ref offset, ciphertextKem);
        LengthPrefixed.WriteField(m, ref offset, nonce);
        LengthPrefixed.WriteField(m, ref offset, ciphertextData);
        LengthPrefixed.WriteField(m, ref offset, auditEventIdUtf8);
        m[offset] = success ? (byte)1 : (byte)0;
        return m;
    }
}
