using System.Collections.Concurrent;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// Records every published audit event (shared by the silos of the test cluster). For a tenant in
/// <see cref="FailingTenants"/> it refuses every event, as the real publisher does when the audit stream is down.
/// </summary>
public sealed class RecordingAuditPublisher : IAuditPublisher
{
    public static ConcurrentQueue<AuditEvent> Events { get; } = new();

    /// <summary>Tenants whose events cannot be recorded (per tenant, so tests sharing the cluster are unaffected).</summary>
    public static ConcurrentDictionary<string, bool> FailingTenants { get; } = new(StringComparer.Ordinal);

    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (FailingTenants.ContainsKey(auditEvent.TenantId))
        {
            throw new AuditStreamUnavailableException("test: audit stream down", 1);
        }

        Events.Enqueue(auditEvent);
        return Task.CompletedTask;
    }

    public static IReadOnlyList<AuditEvent> For(string tenantId) => [.. Events.Where(e => e.TenantId == tenantId)];
}
