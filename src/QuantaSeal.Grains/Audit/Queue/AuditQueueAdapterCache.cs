using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>Creates each audit queue's <see cref="AuditQueueCache"/>, bound to the queue's shared state.</summary>
internal sealed class AuditQueueAdapterCache(Func<QueueId, AuditQueueState> state, int cacheSize, ILoggerFactory loggerFactory) : IQueueAdapterCache
{
    /// <inheritdoc/>
    public IQueueCache CreateQueueCache(QueueId queueId) =>
        new AuditQueueCache(state(queueId), cacheSize, loggerFactory.CreateLogger<AuditQueueCache>());
}
