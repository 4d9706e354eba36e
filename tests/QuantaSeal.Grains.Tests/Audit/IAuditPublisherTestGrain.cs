using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>Publishes through the silo's real IAuditPublisher, concurrently, as audited grains do.</summary>
[Alias("qs.test.IAuditPublisherTestGrain")]
public interface IAuditPublisherTestGrain : IGrainWithStringKey
{
    /// <summary>Publishes every event at once (one publisher call each) and waits for all.</summary>
    [Alias("PublishConcurrently")]
    Task PublishConcurrentlyAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default);
}
