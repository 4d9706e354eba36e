using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// What makes an audit event chainable. The publisher checks it before the event is enqueued (an event the chain
/// would refuse must never be acknowledged: its caller would hold an id that is in no chain), and the chain grain checks
/// it again on delivery (messages written by another version, or straight into the queue table).
/// </summary>
internal static class AuditEventRules
{
    /// <summary>Longest value of a text field.</summary>
    internal const int MaxFieldLength = 512;

    /// <summary>Why <paramref name="e"/> cannot be chained for <paramref name="tenantId"/>, or null when it can.</summary>
    public static string? Problem(AuditEvent? e, string tenantId)
    {
        if (e is null)
        {
            return "null event";
        }

        if (!string.Equals(e.TenantId, tenantId, StringComparison.Ordinal))
        {
            return "event of another tenant on this tenant's stream";
        }

        if (e.EventId is not { Length: 30 } || !e.EventId.StartsWith("aud_", StringComparison.Ordinal) || !Ulid.TryParse(e.EventId.AsSpan(4), out _))
        {
            return "malformed event id";
        }

        if (string.IsNullOrEmpty(e.Action) || string.IsNullOrEmpty(e.Outcome) || e.Actor is null)
        {
            return "missing action, outcome or actor";
        }

        return TooLong(e.Actor) || TooLong(e.Action) || TooLong(e.Outcome) || TooLong(e.IntegrationId) || TooLong(e.Operation) || TooLong(e.RequestSha256) || TooLong(e.ObjectId) || TooLong(e.AttemptEventId)
            ? "a field is too long"
            : null;

        static bool TooLong(string? value) => value is { Length: > MaxFieldLength };
    }
}
