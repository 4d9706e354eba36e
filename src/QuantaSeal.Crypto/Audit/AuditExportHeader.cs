namespace QuantaSeal.Crypto.Audit;

/// <summary>The header line of an export.</summary>
/// <param name="TenantId">The tenant whose chain it is.</param>
/// <param name="Completeness">The server's completeness report; null in exports written before it was added.</param>
public sealed record AuditExportHeader(string TenantId, AuditExportCompleteness? Completeness);
