namespace QuantaSeal.Client.Audit;

/// <summary>Filters and paging of <see cref="QuantaSealClient.ListAuditEventsAsync"/>; every member is optional.</summary>
/// <param name="From">Only events at or after this time.</param>
/// <param name="To">Only events before this time.</param>
/// <param name="Action">Only this action (e.g. <c>proxy.outbound</c>).</param>
/// <param name="IntegrationId">Only events of this integration.</param>
/// <param name="Outcome">Only this outcome (<c>success</c>, <c>denied</c>, <c>failed</c>).</param>
/// <param name="Limit">Page size, 1 to 1000 (server default 100).</param>
/// <param name="Cursor">A <see cref="AuditEventPage.NextCursor"/> to continue from.</param>
/// <param name="Descending">Newest first instead of oldest first.</param>
public sealed record AuditEventQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Action = null,
    string? IntegrationId = null,
    string? Outcome = null,
    int? Limit = null,
    string? Cursor = null,
    bool Descending = false);
