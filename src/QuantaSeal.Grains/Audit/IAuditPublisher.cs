using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// The one seam every audited action goes through (proxy, vault, integrations, keys). The audit-chain issue plugs
/// the durable stream into it; until then <see cref="InMemoryAuditPublisher"/> keeps events per silo.
/// </summary>
public interface IAuditPublisher
{
    /// <summary>Records the event; when this returns the event id may be handed to a caller.</summary>
    Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);
}
