using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>Conversions between the chain's crypto records and the grain contracts.</summary>
internal static class AuditMapping
{
    /// <summary>UTC, truncated to the millisecond: the precision of the canonical form, so a stored event re-hashes the same.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static AuditEventRecord ToInfo(ChainedAuditRecord chained)
    {
        var (r, hash) = chained;
        return new AuditEventRecord(r.EventId, r.TenantId, r.Seq, r.Timestamp, r.Actor, r.Action, r.IntegrationId, r.Operation, r.Outcome, r.UpstreamStatus, r.RequestSha256, r.LatencyMs, r.ObjectId, hash, r.AttemptEventId);
    }

    public static AuditCheckpointInfo ToInfo(AuditCheckpoint c) => new(c.TenantId, c.Seq, c.HashHex, c.Timestamp, c.KeyId, c.Signature);
}
