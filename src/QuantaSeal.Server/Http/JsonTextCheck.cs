using System.Text;
using System.Text.Json;

namespace QuantaSeal.Server.Http;

/// <summary>
/// Finds the first JSON string (value or member name) that is not valid Unicode text: raw bytes that are not UTF-8,
/// or a <c>\uD800</c>-style escape that leaves a lone surrogate. System.Text.Json reads such a string only when it is
/// materialised (<see cref="JsonElement.GetString"/> throws <see cref="InvalidOperationException"/>, a writer throws
/// <see cref="ArgumentException"/>), which used to surface deep inside the vault, the proxy validators and the echo
/// sealer as a 500. Checking the whole body once at the edge turns every such input into a 400 that names the field.
/// </summary>
internal static class JsonTextCheck
{
    private const int MaxNameInPath = 64;

    /// <summary>
    /// Returns the path of the first invalid string (<c>values.client_secret</c>, <c>payload.items[2]</c>; the
    /// containing object for a bad member name; <c>body</c> at the top level), or <see langword="null"/> when every
    /// string is valid. Malformed JSON stops the scan with <see langword="null"/>: the deserializer reports it.
    /// </summary>
    public static string? FindInvalidString(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        if (!IsValidText(ref reader, out var name))
                        {
                            return Render(frames, withLastName: false);
                        }

                        frames[^1].Name = name;
                        break;
                    case JsonTokenType.String:
                        Advance(frames);
                        if (!IsValidValue(ref reader))
                        {
                            return Render(frames, withLastName: true);
                        }

                        break;
                    default:
                        Advance(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    /// <summary>
    /// A string value is checked in a scratch buffer that is wiped afterwards, never as a <see cref="string"/>: the
    /// value may be a credential, and a string copy of it could not be wiped.
    /// </summary>
    private static bool IsValidValue(ref Utf8JsonReader reader)
    {
        // Unescaping never yields more UTF-16 code units than the raw bytes it came from.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        char[]? rented = null;
        var chars = length <= 256 ? stackalloc char[256] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(length));
        try
        {
            int written;
            try
            {
                written = reader.CopyString(chars);
            }
            catch (InvalidOperationException)
            {
                // Invalid UTF-8 or an escape that decodes to an unpaired surrogate.
                return false;
            }

            var text = chars[..written];
            return text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0 || IsWellFormedUtf16(text);
        }
        finally
        {
            chars.Clear();
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool IsValidText(ref Utf8JsonReader reader, out string? value)
    {
        try
        {
            value = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or an escape that decodes to an unpaired surrogate.
            value = null;
            return false;
        }

        // Defence in depth: a string that decoded must also re-encode (no lone surrogate survived the decoder).
        if (value is not null && value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 && !IsWellFormedUtf16(value))
        {
            value = null;
            return false;
        }

        return true;
    }

    private static bool IsWellFormedUtf16(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    private static string Render(List<Frame> frames, bool withLastName)
    {
        var path = new StringBuilder();
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            var last = i == frames.Count - 1;
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
            }
            else if (frame.Name is not null && (!last || withLastName))
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(SafeName(frame.Name));
            }
        }

        return path.Length == 0 ? "body" : path.ToString();
    }

    /// <summary>A member name as it may appear in a problem: bounded, and only characters that cannot inject anything.</summary>
    internal static string SafeName(string name)
    {
        var bounded = name.Length > MaxNameInPath ? name[..MaxNameInPath] : name;
        return string.Create(bounded.Length, bounded, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '?';
            }
        });
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Name { get; set; }
    }
}
