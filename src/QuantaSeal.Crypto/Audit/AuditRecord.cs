namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// One audit event as chained (DESIGN §7). Field order here is the canonical order; see <see cref="AuditCanonicalJson"/>.
/// </summary>
/// <param name="EventId"><c>aud_</c> + ULID.</param>
/// <param name="TenantId">Tenant.</param>
/// <param name="Seq">Position in the tenant's chain, from 1, without gaps.</param>
/// <param name="Timestamp">When the action happened (UTC, millisecond precision in the canonical form).</param>
/// <param name="Actor">The API key id (or <c>operator</c>).</param>
/// <param name="Action">e.g. <c>proxy.outbound</c>, <c>vault.seal</c>.</param>
/// <param name="IntegrationId">Integration, if any.</param>
/// <param name="Operation">Proxy operation, if any.</param>
/// <param name="Outcome"><c>success</c>, <c>denied</c>, <c>failed</c>, <c>attempted</c>, <c>cancelled</c> or <c>timeout</c>.</param>
/// <param name="UpstreamStatus">Upstream HTTP status, if any.</param>
/// <param name="RequestSha256">Hex SHA-256 of the request, if any.</param>
/// <param name="LatencyMs">Latency in milliseconds, if measured.</param>
/// <param name="ObjectId">The object an administrative action changed (credential, integration, key), if any.</param>
/// <param name="AttemptEventId">
/// For an outcome event, the id of the <c>attempted</c> (intent) event it completes; null otherwise. Part of the
/// canonical form only when set, so every event recorded before it existed hashes as it always did.
/// </param>
public sealed record AuditRecord(
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
    string? AttemptEventId = null);
