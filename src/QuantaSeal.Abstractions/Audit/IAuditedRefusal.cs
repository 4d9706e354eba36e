namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// A refusal (an exception a grain throws for an expected "no") that may already be in the tenant's audit chain:
/// <see cref="AuditEventId"/> names the <c>denied</c> event the grain recorded, so a caller (the front door) does not
/// record the same refusal again. <see langword="null"/> when nobody recorded it yet (a refusal of the tenant-isolation
/// filter, or one raised outside a grain).
/// </summary>
public interface IAuditedRefusal
{
    /// <summary>The id of the event that recorded this refusal, or <see langword="null"/>.</summary>
    string? AuditEventId { get; }
}
