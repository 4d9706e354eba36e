using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Audit;

/// <summary>One page of <c>GET /api/v2/audit/events</c>.</summary>
/// <param name="Items">The events.</param>
/// <param name="NextCursor">Pass as <see cref="AuditEventQuery.Cursor"/> for the next page; null on the last page.</param>
public sealed record AuditEventPage(IReadOnlyList<AuditRecord> Items, string? NextCursor);
