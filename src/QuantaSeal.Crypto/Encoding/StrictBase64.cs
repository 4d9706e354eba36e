namespace QuantaSeal.Crypto.Encoding;

/// <summary>
/// Standard base64 (RFC 4648 §4, alphabet <c>A–Z a–z 0–9 + /</c>, with <c>=</c> padding) and nothing else:
/// no whitespace, no URL-safe alphabet, no missing padding, and only the canonical encoding (the unused
/// low bits of the last symbol must be zero), so that every byte string has exactly one accepted text.
/// </summary>
public static class StrictBase64
{
    /// <summary>Encodes bytes as standard padded base64.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes);

    /// <summary>Decodes strict standard base64.</summary>
    /// <exception cref="FormatException">The text is not canonical standard base64.</exception>
    public static byte[] Decode(string value) =>
        TryDecode(value, out var bytes) ? bytes : throw new FormatException("The value is not canonical standard base64 (RFC 4648 §4, padded).");

    /// <summary>Decodes strict standard base64 that must decode to exactly <paramref name="expectedLength"/> bytes.</summary>
    /// <exception cref="FormatException">The text is not canonical standard base64 or has the wrong decoded length.</exception>
    public static byte[] Decode(string value, int expectedLength)
    {
        var bytes = Decode(value);
        if (bytes.Length != expectedLength)
        {
            throw new FormatException($"The value must decode to {expectedLength} bytes; it decodes to {bytes.Length}.");
        }

        return bytes;
    }

    /// <summary>Tries to decode strict standard base64; never throws.</summary>
    public static bool TryDecode(string? value, out byte[] bytes)
    {
        bytes = [];
        if (value is null || value.Length % 4 != 0)
        {
            return false;
        }

        var padding = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '=')
            {
                // Padding may only be the last one or two symbols.
                if (i < value.Length - 2)
                {
                    return false;
                }

                padding++;
            }
            else if (padding > 0 || !IsAlphabet(c))
            {
                return false;
            }
        }

        var decoded = new byte[(value.Length / 4 * 3) - padding];
        if (!Convert.TryFromBase64String(value, decoded, out var written) || written != decoded.Length)
        {
            return false;
        }

        // Reject non-canonical text (non-zero unused bits): re-encoding must give the input back.
        if (!string.Equals(Convert.ToBase64String(decoded), value, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    private static bool IsAlphabet(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/';
}
