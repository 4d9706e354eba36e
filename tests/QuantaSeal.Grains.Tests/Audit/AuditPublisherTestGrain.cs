using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Audit;

[GrainType("qs.test.audit-publisher")]
[StatelessWorker]
[Reentrant]
internal sealed class AuditPublisherTestGrain(IAuditPublisher publisher) : Grain, IAuditPublisherTestGrain
{
    public Task PublishConcurrentlyAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default) =>
        Task.WhenAll(events.Select(e => publisher.PublishAsync(e, cancellationToken)));
}
