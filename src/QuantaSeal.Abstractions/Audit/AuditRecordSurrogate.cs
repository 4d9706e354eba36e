using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// How a chained event (<see cref="AuditRecord"/>, defined in Crypto, which has no Orleans) crosses a grain call: the
/// event as submitted, its seq now assigned, plus its chain hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.AuditRecord")]
internal readonly record struct AuditRecordSurrogate([property: Id(0)] AuditEvent Event, [property: Id(1)] string Hash);

/// <summary>Converts <see cref="AuditRecord"/> to and from <see cref="AuditRecordSurrogate"/>.</summary>
[RegisterConverter]
internal sealed class AuditRecordSurrogateConverter : IConverter<AuditRecord, AuditRecordSurrogate>
{
    public AuditRecord ConvertFromSurrogate(in AuditRecordSurrogate surrogate)
    {
        var e = surrogate.Event;
        return new AuditRecord(
            e.EventId, e.TenantId, e.Seq ?? throw new InvalidOperationException("A chained audit event arrived without its seq."), e.Timestamp, e.Actor, e.Action,
            e.IntegrationId, e.Operation, e.Outcome, e.UpstreamStatus, e.RequestSha256, e.LatencyMs, e.ObjectId, e.AttemptEventId, surrogate.Hash);
    }

    public AuditRecordSurrogate ConvertToSurrogate(in AuditRecord value) => new(
        new AuditEvent(
            value.EventId, value.TenantId, value.Seq, value.Timestamp, value.Actor, value.Action, value.IntegrationId, value.Operation, value.Outcome,
            value.UpstreamStatus, value.RequestSha256, value.LatencyMs, value.ObjectId, value.AttemptEventId),
        value.Hash);
}
