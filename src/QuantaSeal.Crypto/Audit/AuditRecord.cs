using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// One event of a tenant's audit chain (DESIGN §7): every canonical member plus its chain hash. The one type for a
/// chained event, from the store through the grain contracts and the API's JSON to the SDK and the offline verifier.
/// </summary>
/// <remarks>
/// Member order here is the canonical order; <see cref="AuditCanonicalJson"/> covers every member except
/// <see cref="Hash"/>. The attributes define the API's JSON form (docs/audit-chain.md): snake_case names, absent values
/// as explicit nulls, the timestamp in the canonical text form, <c>hash</c>, then <c>attempt_event_id</c> only when set.
/// </remarks>
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
/// <param name="Hash">
/// The chain hash at <paramref name="Seq"/> (lower-case hex) as stored or received: what a verifier compares with the
/// hash it recomputes. Empty (the default) on an event not chained yet; <see cref="AuditHashChain.Link"/> sets it.
/// </param>
public sealed record AuditRecord(
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(AuditTimestampJsonConverter))] DateTimeOffset Timestamp,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("integration_id"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? IntegrationId,
    [property: JsonPropertyName("operation"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Operation,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("upstream_status"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? UpstreamStatus,
    [property: JsonPropertyName("request_sha256"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RequestSha256,
    [property: JsonPropertyName("latency_ms"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? LatencyMs,
    [property: JsonPropertyName("object_id"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ObjectId,
    [property: JsonPropertyName("attempt_event_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyOrder(1)] string? AttemptEventId = null,
    [property: JsonPropertyName("hash")] string Hash = "");
