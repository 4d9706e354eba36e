using System.Buffers;
using System.Text.Json;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The <c>extras</c> field of the v2 signed bytes: the RFC 8785 canonical JSON of
/// <c>{"error":…, "paging":…, "rate_limit":…}</c> taken from the envelope's top-level object, a member that is absent
/// (or JSON null) left out, <c>{}</c> when none is there.
/// </summary>
internal static class EnvelopeExtras
{
    /// <summary>Canonicalises the extras, or returns null when a value is outside the canonical subset (<see cref="CanonicalJson"/>).</summary>
    public static byte[]? TryCanonicalize(EnvelopeError? error, JsonElement? paging, JsonElement? rateLimit)
    {
        var members = new List<(string Name, byte[] CanonicalValue)>(3);
        if (error is not null)
        {
            var element = JsonSerializer.SerializeToElement(error, EnvelopeJsonContext.Strict.EnvelopeError);
            if (Canonical(element) is not { } canonical)
            {
                return null;
            }

            members.Add(("error", canonical));
        }

        foreach (var (name, value) in new[] { ("paging", paging), ("rate_limit", rateLimit) })
        {
            if (value is not { ValueKind: not JsonValueKind.Null } present)
            {
                continue;
            }

            if (present.ValueKind != JsonValueKind.Object || Canonical(present) is not { } canonical)
            {
                return null;
            }

            members.Add((name, canonical));
        }

        var output = new ArrayBufferWriter<byte>(64);
        CanonicalJson.WriteObject(members, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[]? Canonical(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        return CanonicalJson.TryWrite(element, buffer) ? buffer.WrittenSpan.ToArray() : null;
    }
}
