using System.Collections.Concurrent;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>Records every published audit event (shared by the silos of the test cluster).</summary>
public sealed class RecordingAuditPublisher : IAuditPublisher
{
    public static ConcurrentQueue<AuditEvent> Events { get; } = new();

    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Events.Enqueue(auditEvent);
        return Task.CompletedTask;
    }

    public static IReadOnlyList<AuditEvent> For(string tenantId) => [.. Events.Where(e => e.TenantId == tenantId)];
}
