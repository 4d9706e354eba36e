using System.Collections.Concurrent;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// What the implicitly subscribed consumer saw, shared by every silo of a test cluster (and by the silos that replace
/// them after a restart): each delivery of each event, in arrival order per tenant, plus scripted misbehaviour.
/// </summary>
public sealed class AuditStreamProbe
{
    private readonly ConcurrentDictionary<string, List<Delivery>> _byTenant = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failedAttempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _poison = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _delayByTenant = new(StringComparer.Ordinal);

    /// <summary>The consumer throws on every delivery of this event.</summary>
    public void Poison(string eventId) => _poison[eventId] = true;

    /// <summary>The consumer takes this long per event of the tenant (a slow chain).</summary>
    public void SlowDown(string tenantId, TimeSpan delay) => _delayByTenant[tenantId] = delay;

    internal TimeSpan DelayFor(string tenantId) => _delayByTenant.GetValueOrDefault(tenantId);

    internal bool IsPoison(string eventId) => _poison.ContainsKey(eventId);

    internal void RecordFailure(string eventId) => _failedAttempts.AddOrUpdate(eventId, 1, static (_, n) => n + 1);

    internal void Record(AuditEvent auditEvent, DateTimeOffset receivedAt, Guid activationId)
    {
        var list = _byTenant.GetOrAdd(auditEvent.TenantId, static _ => []);
        lock (list)
        {
            list.Add(new Delivery(auditEvent.EventId, auditEvent.Timestamp, receivedAt, activationId));
        }
    }

    /// <summary>Failed deliveries of an event (consumer threw).</summary>
    public int FailedAttempts(string eventId) => _failedAttempts.GetValueOrDefault(eventId);

    /// <summary>Every successful delivery for the tenant, in arrival order (duplicates included).</summary>
    public IReadOnlyList<Delivery> Deliveries(string tenantId)
    {
        if (!_byTenant.TryGetValue(tenantId, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>Event ids in order of first delivery.</summary>
    public IReadOnlyList<string> FirstDeliveryOrder(string tenantId) =>
        Deliveries(tenantId).Select(d => d.EventId).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Deliveries beyond the first of each event.</summary>
    public int Duplicates(string tenantId)
    {
        var all = Deliveries(tenantId);
        return all.Count - all.Select(d => d.EventId).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>Events first delivered after an event that was published later than them.</summary>
    public int OutOfOrder(string tenantId, IReadOnlyList<string> published)
    {
        var position = published.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index, StringComparer.Ordinal);
        var late = 0;
        var highest = -1;
        foreach (var eventId in FirstDeliveryOrder(tenantId))
        {
            var index = position[eventId];
            if (index < highest)
            {
                late++;
            }

            highest = Math.Max(highest, index);
        }

        return late;
    }

    /// <summary>Polls until the tenant's consumer has seen <paramref name="distinctEvents"/> different events.</summary>
    public Task WaitForAsync(string tenantId, int distinctEvents, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntil.TrueAsync(
            () => Task.FromResult(FirstDeliveryOrder(tenantId).Count >= distinctEvents),
            timeout,
            () => $"tenant {tenantId}: {FirstDeliveryOrder(tenantId).Count} of {distinctEvents} events delivered",
            cancellationToken);

    /// <summary>One successful delivery.</summary>
    public sealed record Delivery(string EventId, DateTimeOffset PublishedAt, DateTimeOffset ReceivedAt, Guid ActivationId)
    {
        /// <summary>From just before the publish call to the consumer.</summary>
        public TimeSpan Latency => ReceivedAt - PublishedAt;
    }
}
