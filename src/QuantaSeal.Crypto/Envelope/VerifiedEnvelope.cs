using System.Text.Json;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// What the signatures of an envelope vouch for, returned by <see cref="HybridEnvelopeOpener.Verify"/> once both
/// verified. Only authenticated values are here: in a v1 envelope the extras were not signed, so
/// <see cref="Error"/>, <see cref="Paging"/> and <see cref="RateLimit"/> are null whatever the JSON carried.
/// </summary>
public sealed record VerifiedEnvelope
{
    /// <summary>1 or 2.</summary>
    public required int Version { get; init; }

    /// <summary>The signed success flag.</summary>
    public required bool Success { get; init; }

    /// <summary>The signed tenant id.</summary>
    public required string TenantId { get; init; }

    /// <summary>The signed recipient key id.</summary>
    public required string RecipientKeyId { get; init; }

    /// <summary>The signed audit event id (unique per call: a client may remember the ids it saw to refuse a replay).</summary>
    public required string AuditEventId { get; init; }

    /// <summary>v2: the signed request hash (empty when the call has none); null in v1.</summary>
    public string? RequestSha256 { get; init; }

    /// <summary>v2: the signed time of issue; null in v1.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>v2: the signed <c>error</c>; null in v1 or when there is none.</summary>
    public EnvelopeError? Error { get; init; }

    /// <summary>v2: the signed <c>paging.next_cursor</c>, when the answer has one.</summary>
    public string? NextCursor { get; init; }

    /// <summary>v2: the signed <c>paging</c> object; null in v1 or when there is none.</summary>
    public JsonElement? Paging { get; init; }

    /// <summary>v2: the signed <c>rate_limit</c> object; null in v1 or when there is none.</summary>
    public JsonElement? RateLimit { get; init; }
}
