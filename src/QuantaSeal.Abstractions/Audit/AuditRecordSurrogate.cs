using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// How a chained event (<see cref="AuditRecord"/>, defined in Crypto, which has no Orleans) crosses a grain call.
/// Grain contracts only: the audit queue carries <see cref="AuditEvent"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.AuditRecord")]
internal readonly record struct AuditRecordSurrogate(
    [property: Id(0)] string EventId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] long Seq,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] string Actor,
    [property: Id(5)] string Action,
    [property: Id(6)] string? IntegrationId,
    [property: Id(7)] string? Operation,
    [property: Id(8)] string Outcome,
    [property: Id(9)] int? UpstreamStatus,
    [property: Id(10)] string? RequestSha256,
    [property: Id(11)] long? LatencyMs,
    [property: Id(12)] string? ObjectId,
    [property: Id(13)] string? AttemptEventId,
    [property: Id(14)] string Hash);

/// <summary>Converts <see cref="AuditRecord"/> to and from <see cref="AuditRecordSurrogate"/>.</summary>
[RegisterConverter]
internal sealed class AuditRecordSurrogateConverter : IConverter<AuditRecord, AuditRecordSurrogate>
{
    public AuditRecord ConvertFromSurrogate(in AuditRecordSurrogate surrogate) => new(
        surrogate.EventId, surrogate.TenantId, surrogate.Seq, surrogate.Timestamp, surrogate.Actor, surrogate.Action, surrogate.IntegrationId,
        surrogate.Operation, surrogate.Outcome, surrogate.UpstreamStatus, surrogate.RequestSha256, surrogate.LatencyMs, surrogate.ObjectId,
        surrogate.AttemptEventId, surrogate.Hash);

    public AuditRecordSurrogate ConvertToSurrogate(in AuditRecord value) => new(
        value.EventId, value.TenantId, value.Seq, value.Timestamp, value.Actor, value.Action, value.IntegrationId,
        value.Operation, value.Outcome, value.UpstreamStatus, value.RequestSha256, value.LatencyMs, value.ObjectId,
        value.AttemptEventId, value.Hash);
}
