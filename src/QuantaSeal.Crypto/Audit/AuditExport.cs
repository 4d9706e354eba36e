using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// The NDJSON export (docs/audit-chain.md): a header line, one line per event in seq order (the canonical members plus
/// <c>hash</c>), then one line per signed checkpoint. The offline verifier needs nothing else but the tenant's
/// signing public key(s).
/// </summary>
public static class AuditExport
{
    /// <summary>The format name in the header line.</summary>
    public const string Format = "quantaseal-audit-export/v1";

    /// <summary>The header line, without a completeness report (as exports before it was added).</summary>
    public static string HeaderLine(string tenantId, DateTimeOffset exportedAt) => HeaderLine(tenantId, exportedAt, null);

    /// <summary>
    /// The header line with the server's completeness report: <c>complete</c>, <c>dead_lettered_events</c> and
    /// <c>unattributed_dead_letters</c> (docs/audit-chain.md §5). Readers that predate them ignore them.
    /// </summary>
    public static string HeaderLine(string tenantId, DateTimeOffset exportedAt, AuditExportCompleteness? completeness)
    {
        var sb = new StringBuilder("{\"type\":\"header\",\"format\":\"" + Format + "\",\"tenant_id\":");
        AuditCanonicalJson.AppendString(sb, tenantId);
        sb.Append(",\"exported_at\":");
        AuditCanonicalJson.AppendString(sb, AuditCanonicalJson.FormatTimestamp(exportedAt));
        if (completeness is not null)
        {
            sb.Append(",\"complete\":").Append(completeness.Complete ? "true" : "false");
            sb.Append(",\"dead_lettered_events\":").Append(completeness.DeadLetteredEvents.ToString(CultureInfo.InvariantCulture));
            sb.Append(",\"unattributed_dead_letters\":").Append(completeness.UnattributedDeadLetters.ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append('}').ToString();
    }

    /// <summary>An event line: <c>{"type":"event",</c> + the canonical members + <c>,"hash":"…"}</c>.</summary>
    public static string EventLine(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var canonical = System.Text.Encoding.UTF8.GetString(AuditCanonicalJson.Serialize(record));
        return "{\"type\":\"event\"," + canonical[1..^1] + ",\"hash\":\"" + record.Hash + "\"}";
    }

    /// <summary>A checkpoint line.</summary>
    public static string CheckpointLine(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var sb = new StringBuilder("{\"type\":\"checkpoint\",\"tenant_id\":");
        AuditCanonicalJson.AppendString(sb, checkpoint.TenantId);
        sb.Append(",\"seq\":").Append(checkpoint.Seq.ToString(CultureInfo.InvariantCulture));
        sb.Append(",\"hash\":\"").Append(checkpoint.Hash).Append('"');
        sb.Append(",\"timestamp\":\"").Append(AuditCanonicalJson.FormatTimestamp(checkpoint.Timestamp)).Append('"');
        sb.Append(",\"key_id\":");
        AuditCanonicalJson.AppendString(sb, checkpoint.KeyId);
        sb.Append(",\"signature\":\"").Append(Convert.ToBase64String(checkpoint.Signature)).Append("\"}");
        return sb.ToString();
    }

    /// <summary>Parses an export.</summary>
    /// <exception cref="FormatException">A line is not valid; the message names the line number.</exception>
    public static (string TenantId, IReadOnlyList<AuditRecord> Events, IReadOnlyList<AuditCheckpoint> Checkpoints) Read(TextReader reader)
    {
        var events = new List<AuditRecord>();
        var checkpoints = new List<AuditCheckpoint>();
        var tenantId = Read(reader, events.Add, checkpoints.Add);
        return (tenantId, events, checkpoints);
    }

    /// <summary>
    /// Parses an export line by line without holding it: each event and checkpoint goes to its callback as it is read,
    /// in file order. Read a file twice (checkpoints first, then events into an <see cref="AuditChainWalker"/>) to
    /// verify an export of any size in memory proportional to its checkpoints.
    /// </summary>
    /// <returns>The tenant id of the header line.</returns>
    /// <exception cref="FormatException">A line is not valid, or there is no header line; the message names the line number.</exception>
    public static string Read(TextReader reader, Action<AuditRecord>? onEvent, Action<AuditCheckpoint>? onCheckpoint) =>
        ReadWithHeader(reader, onEvent, onCheckpoint).TenantId;

    /// <summary>
    /// As <see cref="Read(TextReader, Action{AuditRecord}?, Action{AuditCheckpoint}?)"/>, and returns what the
    /// header says: the tenant and, when the server reported it, the completeness (null in exports that predate it).
    /// </summary>
    /// <exception cref="FormatException">A line is not valid, or there is no header line; the message names the line number.</exception>
    public static AuditExportHeader ReadWithHeader(TextReader reader, Action<AuditRecord>? onEvent, Action<AuditCheckpoint>? onCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? tenantId = null;
        AuditExportCompleteness? completeness = null;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            AuditRecord? chained = null;
            AuditCheckpoint? checkpoint = null;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                switch (Str(e, "type"))
                {
                    case "header":
                        if (Str(e, "format") != Format)
                        {
                            throw new FormatException("unknown export format");
                        }

                        tenantId = Str(e, "tenant_id");
                        if (e.TryGetProperty("complete", out var complete))
                        {
                            // GetBoolean throws for a non-boolean; a flag that contradicts its counts is not trusted either way.
                            var reported = new AuditExportCompleteness(Num(e, "dead_lettered_events")!.Value, Num(e, "unattributed_dead_letters")!.Value);
                            completeness = reported.Complete == complete.GetBoolean() && reported.DeadLetteredEvents >= 0 && reported.UnattributedDeadLetters >= 0
                                ? reported
                                : throw new FormatException("complete");
                        }

                        break;
                    case "event":
                        chained = new AuditRecord(
                            Req(e, "event_id"), Req(e, "tenant_id"), Num(e, "seq")!.Value, Time(Req(e, "timestamp")), Req(e, "actor"), Req(e, "action"),
                            Str(e, "integration_id"), Str(e, "operation"), Req(e, "outcome"), (int?)Num(e, "upstream_status"), Str(e, "request_sha256"),
                            Num(e, "latency_ms"), Str(e, "object_id"), OptionalStr(e, "attempt_event_id"), Req(e, "hash"));
                        break;
                    case "checkpoint":
                        checkpoint = new AuditCheckpoint(Req(e, "tenant_id"), Num(e, "seq")!.Value, Req(e, "hash"), Time(Req(e, "timestamp")), Req(e, "key_id"), Convert.FromBase64String(Req(e, "signature")));
                        break;
                    default:
                        throw new FormatException("unknown line type");
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or NullReferenceException or OverflowException)
            {
                throw new FormatException($"line {lineNumber}: not a valid export line ({ex.GetType().Name}).", ex);
            }

            // Callbacks run outside the try: their own exceptions are not the file's fault.
            if (chained is not null)
            {
                onEvent?.Invoke(chained);
            }
            else if (checkpoint is not null)
            {
                onCheckpoint?.Invoke(checkpoint);
            }
        }

        return new AuditExportHeader(tenantId ?? throw new FormatException("the export has no header line."), completeness);

        static string? Str(JsonElement e, string name) =>
            e.GetProperty(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : throw new FormatException(name);

        // A member the format requires: null is as wrong as absent.
        static string Req(JsonElement e, string name) => Str(e, name) ?? throw new FormatException(name);

        // Added with the intent/outcome pair: absent in older exports, and absent (not null) in the canonical form of
        // an event without one. An explicit null reads as absent, which rebuilds the same canonical bytes.
        static string? OptionalStr(JsonElement e, string name) =>
            e.TryGetProperty(name, out _) ? Str(e, name) : null;

        static long? Num(JsonElement e, string name) =>
            e.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetInt64() : e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : throw new FormatException(name);

        static DateTimeOffset Time(string text) =>
            DateTimeOffset.ParseExact(text, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
