using System.Text.Json.Serialization;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Server.Features.Audit;

/// <summary>
/// An event as the API returns it: every canonical member (absent values as explicit nulls, the timestamp in the
/// canonical text form) plus its chain hash, so a client can rebuild the canonical JSON and re-hash it.
/// <c>attempt_event_id</c> is present only on an outcome event, as in the canonical form.
/// </summary>
internal sealed record AuditEventDto(
    string EventId,
    string TenantId,
    long Seq,
    string Timestamp,
    string Actor,
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? IntegrationId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Operation,
    string Outcome,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? UpstreamStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RequestSha256,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? LatencyMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ObjectId,
    string Hash,
    string? AttemptEventId)
{
    public static AuditEventDto From(AuditEventRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.EventId, e.TenantId, e.Seq, AuditCanonicalJson.FormatTimestamp(e.Timestamp), e.Actor, e.Action, e.IntegrationId, e.Operation,
            e.Outcome, e.UpstreamStatus, e.RequestSha256, e.LatencyMs, e.ObjectId, e.Hash, e.AttemptEventId);
    }
}

/// <summary>A signed checkpoint; <c>signature</c> is standard base64 of the ML-DSA-65 signature.</summary>
internal sealed record AuditCheckpointDto(string TenantId, long Seq, string Hash, string Timestamp, string KeyId, byte[] Signature)
{
    public static AuditCheckpointDto From(AuditCheckpointInfo c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.TenantId, c.Seq, c.Hash, AuditCanonicalJson.FormatTimestamp(c.Timestamp), c.KeyId, c.Signature);
    }
}

/// <summary>GET /api/v2/audit/events.</summary>
internal sealed record AuditEventListResponse(
    IReadOnlyList<AuditEventDto> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>The inclusion proof of one event.</summary>
internal sealed record AuditProofDto(
    string PreviousHash,
    IReadOnlyList<AuditEventDto> Following,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] AuditCheckpointDto? Checkpoint);

/// <summary>GET /api/v2/audit/events/{id}.</summary>
internal sealed record AuditEventProofResponse(AuditEventDto Event, AuditProofDto Proof);

/// <summary>GET /api/v2/audit/verify.</summary>
internal sealed record AuditVerifyResponse(
    bool Valid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? FirstBadSeq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Problem,
    long EventsChecked,
    int CheckpointsChecked,
    long LastSeq,
    string LastHash,
    long DeadLetteredEvents,
    bool Complete);

/// <summary>GET /api/v2/audit/checkpoints.</summary>
internal sealed record AuditCheckpointListResponse(
    IReadOnlyList<AuditCheckpointDto> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
