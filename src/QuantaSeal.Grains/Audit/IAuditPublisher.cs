using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// The one seam every audited action goes through (proxy, vault, integrations, keys, API keys). The silo's
/// implementation is <see cref="StreamAuditPublisher"/>: group commit onto the tenant's audit stream.
/// </summary>
public interface IAuditPublisher
{
    /// <summary>Records the event durably; only when this returns may the event id be handed to a caller.</summary>
    /// <exception cref="QuantaSeal.Grains.Audit.Queue.AuditStreamUnavailableException">Not recorded: refuse the action.</exception>
    Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);
}
