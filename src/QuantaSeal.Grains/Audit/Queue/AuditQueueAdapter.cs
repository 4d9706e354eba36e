using Orleans.Serialization;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>Writes audit stream messages (one row, one transaction each) and creates the queues' receivers.</summary>
internal sealed class AuditQueueAdapter(AuditQueueAdapterFactory factory, Serializer<AuditQueueBatch> serializer) : IQueueAdapter
{
    /// <inheritdoc/>
    public string Name => factory.Name;

    /// <inheritdoc/>
    public bool IsRewindable => false;

    /// <inheritdoc/>
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <inheritdoc/>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (token is not null)
        {
            throw new ArgumentException("The audit queue is not rewindable: publish without a sequence token.", nameof(token));
        }

        var batch = new AuditQueueBatch { StreamId = streamId, Events = [.. events.Cast<object>()], RequestContext = requestContext };
        if (batch.Events.Count == 0)
        {
            return;
        }

        // The tenant goes with the message (the stream key is the tenant id) so that a dead letter can be counted against
        // its tenant's chain without reading the payload.
        var queueId = AuditQueueKeys.For(factory.GetStreamQueueMapper().GetQueueForStream(streamId));
        await factory.Store.EnqueueAsync(queueId, streamId.GetKeyAsString(), batch.Events.Count, serializer.SerializeToArray(batch), CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => factory.CreateReceiver(queueId);
}
