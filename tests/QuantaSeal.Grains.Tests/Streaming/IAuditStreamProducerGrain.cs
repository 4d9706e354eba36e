using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>Publishes audit events on the stream of its key (the tenant id), the way audited grains will.</summary>
[Alias("qs.test.IAuditStreamProducerGrain")]
public interface IAuditStreamProducerGrain : IGrainWithStringKey
{
    /// <summary>One event, one OnNextAsync.</summary>
    [Alias("Publish")]
    Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>Several events, one OnNextBatchAsync.</summary>
    [Alias("PublishBatch")]
    Task PublishBatchAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default);
}
