using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// A stateless, reentrant publisher: many publishes of one tenant can be in flight at once (as from concurrent proxy
/// calls), each awaited by its caller until the event is durable.
/// </summary>
[GrainType("qs.test.audit-stream-producer")]
[StatelessWorker]
[Reentrant]
internal sealed class AuditStreamProducerGrain(ILogger<AuditStreamProducerGrain> logger) : Grain, IAuditStreamProducerGrain
{
    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        AuditStreamWriter.EnqueueAsync(Stream(), auditEvent, logger, cancellationToken);

    public Task PublishBatchAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default) =>
        AuditStreamWriter.EnqueueBatchAsync(Stream(), events, logger, cancellationToken);

    private Orleans.Streams.IAsyncStream<AuditEvent> Stream() =>
        this.GetStreamProvider(AuditStreams.ProviderName).GetAuditStream(this.GetPrimaryKeyString());
}
