using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The one rule for identifiers that enter signed bytes or AAD, applied identically when sealing and
/// opening: non-empty, at most <see cref="EnvelopeConstants.MaxIdentifierBytes"/> UTF-8 bytes, well-formed
/// UTF-16 and without control characters (the AAD uses 0x00 as a separator).
/// </summary>
internal static class EnvelopeIdentifier
{
    public static bool TryEncode(string? value, out byte[] utf8)
    {
        utf8 = [];
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        if (!StrictUtf8.TryGetBytes(value, out var bytes) || bytes.Length > EnvelopeConstants.MaxIdentifierBytes)
        {
            return false;
        }

        utf8 = bytes;
        return true;
    }

    public static byte[] EncodeOrThrow(string? value, string paramName) =>
        TryEncode(value, out var utf8)
            ? utf8
            : throw new ArgumentException(
                $"'{paramName}' must be a non-empty identifier of at most {EnvelopeConstants.MaxIdentifierBytes} UTF-8 bytes without control characters.",
                paramName);

    /// <summary>aad = UTF8(tenant_id) || 0x00 || UTF8(audit_event_id) (DESIGN §4).</summary>
    public static byte[] BuildAad(ReadOnlySpan<byte> tenantIdUtf8, ReadOnlySpan<byte> auditEventIdUtf8)
    {
        var aad = new byte[tenantIdUtf8.Length + 1 + auditEventIdUtf8.Length];
        tenantIdUtf8.CopyTo(aad);
        aad[tenantIdUtf8.Length] = 0x00;
        auditEventIdUtf8.CopyTo(aad.AsSpan(tenantIdUtf8.Length + 1));
        return aad;
    }
}
