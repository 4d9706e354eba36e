using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>Conversions between the chain's crypto records and the grain contracts.</summary>
internal static class AuditMapping
{
    public static AuditCheckpointInfo ToInfo(AuditCheckpoint c) => new(c.TenantId, c.Seq, c.HashHex, c.Timestamp, c.KeyId, c.Signature);
}
