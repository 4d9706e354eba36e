using System.Collections.Concurrent;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>An audit publisher whose store is "down" for the tenants a test names (it throws what the durable stream throws then).</summary>
public sealed class UnavailableAuditPublisher : IAuditPublisher
{
    private readonly ConcurrentDictionary<string, byte> _down = new(StringComparer.Ordinal);

    public void TakeDown(string tenantId) => _down[tenantId] = 0;

    public void BringUp(string tenantId) => _down.TryRemove(tenantId, out _);

    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return _down.ContainsKey(auditEvent.TenantId)
            ? throw new AuditStreamUnavailableException()
            : Task.CompletedTask;
    }
}
