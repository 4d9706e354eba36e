using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace QuantaSeal.Crypto.Encoding;

/// <summary>
/// RFC 8785 (JCS) canonical JSON for the values envelope v2 signs (<c>error</c>, <c>paging</c>, <c>rate_limit</c>):
/// object members sorted by their names' UTF-16 code units, no whitespace, strings escaped as ECMAScript's
/// <c>JSON.stringify</c> does (only <c>"</c>, <c>\</c> and U+0000..U+001F, the latter as <c>\b \t \n \f \r</c> or
/// lowercase <c>\u00xx</c>; everything else as literal UTF-8).
/// </summary>
/// <remarks>
/// Numbers are limited to integers of at most 15 digits without a fraction or exponent, whose JCS form is their
/// decimal text: the server only ever writes such numbers there (an upstream status), and refusing the rest keeps a
/// second implementation from having to reproduce ECMAScript's double formatting. Duplicate member names and
/// lone surrogates are refused too (RFC 8785 §3.1 requires I-JSON).
/// </remarks>
internal static class CanonicalJson
{
    private const int MaxIntegerDigits = 15;
    private const int MaxDepth = 16;

    /// <summary>Writes the canonical form of <paramref name="value"/>, or returns false when it is outside the subset above.</summary>
    public static bool TryWrite(JsonElement value, IBufferWriter<byte> output) => TryWrite(value, output, 0);

    /// <summary>Writes a canonical JSON string.</summary>
    public static bool TryWriteString(string value, IBufferWriter<byte> output)
    {
        if (!StrictUtf8.TryGetBytes(value, out var utf8))
        {
            return false;
        }

        Write(output, "\""u8);
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
            {
                continue;
            }

            Write(output, utf8.AsSpan(start, i - start));
            start = i + 1;
            switch (b)
            {
                case (byte)'"': Write(output, "\\\""u8); break;
                case (byte)'\\': Write(output, "\\\\"u8); break;
                case 0x08: Write(output, "\\b"u8); break;
                case 0x09: Write(output, "\\t"u8); break;
                case 0x0A: Write(output, "\\n"u8); break;
                case 0x0C: Write(output, "\\f"u8); break;
                case 0x0D: Write(output, "\\r"u8); break;
                default:
                    Write(output, System.Text.Encoding.ASCII.GetBytes("\\u" + b.ToString("x4", CultureInfo.InvariantCulture)));
                    break;
            }
        }

        Write(output, utf8.AsSpan(start));
        Write(output, "\""u8);
        return true;
    }

    /// <summary>Writes the members (already canonical values) of an object, sorted as JCS requires.</summary>
    public static void WriteObject(IReadOnlyList<(string Name, byte[] CanonicalValue)> members, IBufferWriter<byte> output)
    {
        Write(output, "{"u8);
        var first = true;
        foreach (var (name, canonicalValue) in members.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (!first)
            {
                Write(output, ","u8);
            }

            first = false;
            _ = TryWriteString(name, output);
            Write(output, ":"u8);
            Write(output, canonicalValue);
        }

        Write(output, "}"u8);
    }

    private static bool TryWrite(JsonElement value, IBufferWriter<byte> output, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null: Write(output, "null"u8); return true;
            case JsonValueKind.True: Write(output, "true"u8); return true;
            case JsonValueKind.False: Write(output, "false"u8); return true;
            case JsonValueKind.String:
                return TryGetString(value, out var text) && TryWriteString(text, output);
            case JsonValueKind.Number:
                return TryWriteInteger(value.GetRawText(), output);
            case JsonValueKind.Array:
                Write(output, "["u8);
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        Write(output, ","u8);
                    }

                    if (!TryWrite(item, output, depth + 1))
                    {
                        return false;
                    }
                }

                Write(output, "]"u8);
                return true;
            case JsonValueKind.Object:
                var members = new List<(string Name, byte[] CanonicalValue)>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in value.EnumerateObject())
                {
                    var buffer = new ArrayBufferWriter<byte>();
                    if (!names.Add(member.Name) || !TryWrite(member.Value, buffer, depth + 1))
                    {
                        return false;
                    }

                    members.Add((member.Name, buffer.WrittenSpan.ToArray()));
                }

                WriteObject(members, output);
                return true;
            default:
                return false;
        }
    }

    private static bool TryGetString(JsonElement value, out string text)
    {
        try
        {
            // GetString unescapes; a lone surrogate escape (\ud800) survives it and is caught by the strict encoder.
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static bool TryWriteInteger(string raw, IBufferWriter<byte> output)
    {
        var digits = raw.StartsWith('-') ? raw.AsSpan(1) : raw.AsSpan();
        if (digits.Length is 0 or > MaxIntegerDigits || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        // "-0" is 0 in ECMAScript.
        Write(output, System.Text.Encoding.ASCII.GetBytes(digits is "0" ? "0" : raw));
        return true;
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            output.Write(bytes);
        }
    }
}
