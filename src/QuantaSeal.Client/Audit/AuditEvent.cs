using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Audit;

/// <summary>One event of the tenant's audit chain as the API returns it: every canonical member plus its chain hash.</summary>
/// <param name="EventId"><c>aud_</c> + ULID.</param>
/// <param name="TenantId">Tenant.</param>
/// <param name="Seq">Position in the chain, from 1, without gaps.</param>
/// <param name="Timestamp">When the action happened (the chain covers it to the millisecond).</param>
/// <param name="Actor">The API key id that acted (or <c>operator</c>).</param>
/// <param name="Action">e.g. <c>proxy.outbound</c>, <c>vault.seal</c>.</param>
/// <param name="IntegrationId">Integration, if any.</param>
/// <param name="Operation">Proxy operation, if any.</param>
/// <param name="Outcome"><c>success</c>, <c>denied</c>, <c>failed</c>, <c>attempted</c>, <c>cancelled</c> or <c>timeout</c>.</param>
/// <param name="UpstreamStatus">Upstream HTTP status, if any.</param>
/// <param name="RequestSha256">Hex SHA-256 of the request, if any.</param>
/// <param name="LatencyMs">Latency in milliseconds, if measured.</param>
/// <param name="ObjectId">The object an administrative action changed, if any.</param>
/// <param name="Hash">The chain hash at <paramref name="Seq"/> (lower-case hex).</param>
/// <param name="AttemptEventId">For an outcome event, the id of the intent (<c>attempted</c>) event it completes.</param>
public sealed record AuditEvent(
    string EventId,
    string TenantId,
    long Seq,
    DateTimeOffset Timestamp,
    string Actor,
    string Action,
    string? IntegrationId,
    string? Operation,
    string Outcome,
    int? UpstreamStatus,
    string? RequestSha256,
    long? LatencyMs,
    string? ObjectId,
    string Hash,
    string? AttemptEventId = null)
{
    /// <summary>The event as the hash chain covers it, with its stored hash (for <see cref="AuditChainWalker"/> and <see cref="AuditInclusionProof"/>).</summary>
    public ChainedAuditRecord ToChainedRecord() =>
        new(new AuditRecord(EventId, TenantId, Seq, Timestamp, Actor, Action, IntegrationId, Operation, Outcome, UpstreamStatus, RequestSha256, LatencyMs, ObjectId, AttemptEventId), Hash);
}
