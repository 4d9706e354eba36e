using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// Interim audit publisher: keeps the most recent events per tenant in this silo's memory and writes one structured
/// log line per event (ids, action, outcome; never payloads). Not durable: the audit-chain issue replaces it.
/// </summary>
public sealed partial class InMemoryAuditPublisher(ILogger<InMemoryAuditPublisher> logger) : IAuditPublisher
{
    private const int MaxEventsPerTenant = 10_000;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<AuditEvent>> _byTenant = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var queue = _byTenant.GetOrAdd(auditEvent.TenantId, _ => new ConcurrentQueue<AuditEvent>());
        queue.Enqueue(auditEvent);
        while (queue.Count > MaxEventsPerTenant && queue.TryDequeue(out _))
        {
        }

        Log.Audited(logger, auditEvent.EventId, auditEvent.TenantId, auditEvent.Action, auditEvent.Outcome, auditEvent.IntegrationId, auditEvent.Operation);
        return Task.CompletedTask;
    }

    /// <summary>The events of a tenant seen by this silo, oldest first.</summary>
    public IReadOnlyList<AuditEvent> Events(string tenantId) =>
        _byTenant.TryGetValue(tenantId, out var queue) ? [.. queue] : [];

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Audit {EventId} tenant {TenantId} {Action} {Outcome} integration {IntegrationId} operation {Operation}")]
        public static partial void Audited(ILogger logger, string eventId, string tenantId, string action, string outcome, string? integrationId, string? operation);
    }
}
