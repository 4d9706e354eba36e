using System.Globalization;
using System.Text;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// The canonical JSON of an audit event, the exact bytes the hash chain covers (docs/audit-chain.md):
/// <list type="bullet">
/// <item>one object with the members <c>event_id, tenant_id, seq, timestamp, actor, action, integration_id, operation,
/// outcome, upstream_status, request_sha256, latency_ms, object_id</c> in that order, every member always present,
/// absent values as <c>null</c>;</item>
/// <item>no whitespace outside strings; UTF-8; integers in plain decimal without leading zeros or exponent;</item>
/// <item><c>timestamp</c> as UTC <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>;</item>
/// <item>strings escape only <c>"</c> as <c>\"</c>, <c>\</c> as <c>\\</c> and U+0000..U+001F as <c>\u00xx</c> (lower-case
/// hex); every other character is written as its UTF-8 bytes.</item>
/// </list>
/// </summary>
public static class AuditCanonicalJson
{
    /// <summary>The canonical bytes of <paramref name="record"/>.</summary>
    public static byte[] Serialize(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sb = new StringBuilder(384);
        sb.Append('{');
        Member(sb, "event_id", record.EventId, first: true);
        Member(sb, "tenant_id", record.TenantId);
        Number(sb, "seq", record.Seq);
        Member(sb, "timestamp", FormatTimestamp(record.Timestamp));
        Member(sb, "actor", record.Actor);
        Member(sb, "action", record.Action);
        Member(sb, "integration_id", record.IntegrationId);
        Member(sb, "operation", record.Operation);
        Member(sb, "outcome", record.Outcome);
        Number(sb, "upstream_status", record.UpstreamStatus);
        Member(sb, "request_sha256", record.RequestSha256);
        Number(sb, "latency_ms", record.LatencyMs);
        Member(sb, "object_id", record.ObjectId);
        sb.Append('}');
        return System.Text.Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The canonical timestamp text (UTC, milliseconds).</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Truncates to the millisecond precision the canonical form keeps.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset timestamp)
    {
        var utc = timestamp.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    internal static void AppendString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case < ' ':
                    sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }

    private static void Member(StringBuilder sb, string name, string? value, bool first = false)
    {
        if (!first)
        {
            sb.Append(',');
        }

        sb.Append('"').Append(name).Append("\":");
        if (value is null)
        {
            sb.Append("null");
        }
        else
        {
            AppendString(sb, value);
        }
    }

    private static void Number(StringBuilder sb, string name, long? value)
    {
        sb.Append(",\"").Append(name).Append("\":");
        sb.Append(value is null ? "null" : value.Value.ToString(CultureInfo.InvariantCulture));
    }
}
