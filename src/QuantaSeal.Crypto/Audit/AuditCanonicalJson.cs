using System.Buffers;
using System.Globalization;
using System.Text;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// The canonical JSON of an audit event, the exact bytes the hash chain covers (docs/audit-chain.md):
/// <list type="bullet">
/// <item>one object with the members <c>event_id, tenant_id, seq, timestamp, actor, action, integration_id, operation,
/// outcome, upstream_status, request_sha256, latency_ms, object_id</c> in that order, every member always present,
/// absent values as <c>null</c>; then <c>attempt_event_id</c>, written only when the event has one (an outcome event
/// linked to its intent), so events recorded before the member existed keep their bytes and their hashes;</item>
/// <item>no whitespace outside strings; UTF-8; integers in plain decimal without leading zeros or exponent;</item>
/// <item><c>timestamp</c> as UTC <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>;</item>
/// <item>strings escape only <c>"</c> as <c>\"</c>, <c>\</c> as <c>\\</c> and U+0000..U+001F as <c>\u00xx</c> (lower-case
/// hex); every other character is written as its UTF-8 bytes.</item>
/// </list>
/// </summary>
public static class AuditCanonicalJson
{
    private const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";

    /// <summary>The canonical bytes of <paramref name="record"/>.</summary>
    public static byte[] Serialize(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var writer = new ArrayBufferWriter<byte>(384);
        Write(writer, record);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the canonical bytes of <paramref name="record"/> to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(record);
        StringField(output, "{\"event_id\":"u8, record.EventId);
        StringField(output, ",\"tenant_id\":"u8, record.TenantId);
        NumberField(output, ",\"seq\":"u8, record.Seq);
        Raw(output, ",\"timestamp\":\""u8);
        var span = output.GetSpan(32);
        if (!record.Timestamp.UtcDateTime.TryFormat(span, out var written, TimestampFormat, CultureInfo.InvariantCulture))
        {
            throw new FormatException("The timestamp could not be formatted.");
        }

        output.Advance(written);
        StringField(output, "\",\"actor\":"u8, record.Actor);
        StringField(output, ",\"action\":"u8, record.Action);
        StringField(output, ",\"integration_id\":"u8, record.IntegrationId);
        StringField(output, ",\"operation\":"u8, record.Operation);
        StringField(output, ",\"outcome\":"u8, record.Outcome);
        NumberField(output, ",\"upstream_status\":"u8, record.UpstreamStatus);
        StringField(output, ",\"request_sha256\":"u8, record.RequestSha256);
        NumberField(output, ",\"latency_ms\":"u8, record.LatencyMs);
        StringField(output, ",\"object_id\":"u8, record.ObjectId);
        if (record.AttemptEventId is not null)
        {
            StringField(output, ",\"attempt_event_id\":"u8, record.AttemptEventId);
        }

        Raw(output, "}"u8);
    }

    /// <summary>The canonical timestamp text (UTC, milliseconds).</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Truncates to the millisecond precision the canonical form keeps.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset timestamp)
    {
        var utc = timestamp.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    internal static void AppendString(StringBuilder sb, string value)
    {
        var writer = new ArrayBufferWriter<byte>(value.Length + 2);
        WriteString(writer, value);
        sb.Append(System.Text.Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    /// <summary>The member's prefix (separator, quoted name, colon) as given, then the value.</summary>
    private static void StringField(IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, string? value)
    {
        Raw(output, prefix);
        WriteString(output, value);
    }

    private static void NumberField(IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, long? value)
    {
        Raw(output, prefix);
        Number(output, value);
    }

    /// <summary>
    /// A JSON string: <c>"</c>, <c>\</c> and U+0000..U+001F escaped, every other run of characters as its UTF-8 bytes.
    /// Escaped characters are ASCII, so no surrogate pair is ever split between two runs: the bytes are those of
    /// encoding the whole string at once (a lone surrogate becomes U+FFFD either way).
    /// </summary>
    private static void WriteString(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            Raw(output, "null"u8);
            return;
        }

        Raw(output, "\""u8);
        var text = value.AsSpan();
        while (!text.IsEmpty)
        {
            var run = text.IndexOfAny(Escaped);
            var plain = run < 0 ? text : text[..run];
            if (!plain.IsEmpty)
            {
                var span = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(plain.Length));
                output.Advance(System.Text.Encoding.UTF8.GetBytes(plain, span));
            }

            if (run < 0)
            {
                break;
            }

            var c = text[run];
            switch (c)
            {
                case '"':
                    Raw(output, "\\\""u8);
                    break;
                case '\\':
                    Raw(output, "\\\\"u8);
                    break;
                default:
                    Raw(output, "\\u00"u8);
                    var hex = output.GetSpan(2);
                    hex[0] = HexDigit(c >> 4);
                    hex[1] = HexDigit(c & 0xF);
                    output.Advance(2);
                    break;
            }

            text = text[(run + 1)..];
        }

        Raw(output, "\""u8);

        static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    }

    private static void Number(IBufferWriter<byte> output, long? value)
    {
        if (value is null)
        {
            Raw(output, "null"u8);
            return;
        }

        var span = output.GetSpan(20);
        if (!value.Value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new FormatException("The number could not be formatted.");
        }

        output.Advance(written);
    }

    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");
}
