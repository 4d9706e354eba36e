namespace QuantaSeal.Server.Tests.Audit;

/// <summary>One audit event as a test sees it, whatever it was read from.</summary>
public sealed record AuditRecord(
    string EventId,
    string TenantId,
    string Actor,
    string Action,
    string? IntegrationId,
    string? Operation,
    string Outcome,
    int? UpstreamStatus,
    string? RequestSha256,
    string? ObjectId,
    string? AttemptEventId = null);
