using System.Text.Json.Serialization;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Server.Features.Audit;

/// <summary>GET /api/v2/audit/events.</summary>
internal sealed record AuditEventListResponse(
    IReadOnlyList<AuditRecord> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>The inclusion proof of one event.</summary>
internal sealed record AuditProofDto(
    string PreviousHash,
    IReadOnlyList<AuditRecord> Following,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] AuditCheckpoint? Checkpoint);

/// <summary>GET /api/v2/audit/events/{id}.</summary>
internal sealed record AuditEventProofResponse(AuditRecord Event, AuditProofDto Proof);

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
    IReadOnlyList<AuditCheckpoint> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
