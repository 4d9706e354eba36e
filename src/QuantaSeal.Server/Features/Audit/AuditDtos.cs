using System.Text.Json.Serialization;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Server.Features.Audit;

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
    IReadOnlyList<AuditRecord> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>The inclusion proof of one event.</summary>
internal sealed record AuditProofDto(
    string PreviousHash,
    IReadOnlyList<AuditRecord> Following,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] AuditCheckpointDto? Checkpoint);

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
    IReadOnlyList<AuditCheckpointDto> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
