using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>How a signed checkpoint (<see cref="AuditCheckpoint"/>, defined in Crypto, which has no Orleans) crosses a grain call.</summary>
[GenerateSerializer, Immutable, Alias("qs.AuditCheckpoint")]
internal readonly record struct AuditCheckpointSurrogate(
    [property: Id(0)] string TenantId,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Hash,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] string KeyId,
    [property: Id(5)] byte[] Signature);

/// <summary>Converts <see cref="AuditCheckpoint"/> to and from <see cref="AuditCheckpointSurrogate"/>.</summary>
[RegisterConverter]
internal sealed class AuditCheckpointSurrogateConverter : IConverter<AuditCheckpoint, AuditCheckpointSurrogate>
{
    public AuditCheckpoint ConvertFromSurrogate(in AuditCheckpointSurrogate surrogate) =>
        new(surrogate.TenantId, surrogate.Seq, surrogate.Hash, surrogate.Timestamp, surrogate.KeyId, surrogate.Signature);

    public AuditCheckpointSurrogate ConvertToSurrogate(in AuditCheckpoint value) =>
        new(value.TenantId, value.Seq, value.Hash, value.Timestamp, value.KeyId, value.Signature);
}
