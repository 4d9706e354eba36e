using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// The pulling agent's cache of one audit queue (Orleans' <see cref="SimpleQueueCache"/>), which also tells the queue
/// which messages it gave up on. With batched delivery a failed delivery reaches the failure handler with the token of
/// the batch's first message only, while the cache flags every message of the batch and leaves them all out of the
/// list it hands the receiver to confirm. So whatever leaves the cache without being in that list was given up on: it
/// is marked for the dead letters here, and the receiver confirms (deletes) exactly the listed messages.
/// </summary>
/// <remarks>
/// The cache is first in, first out (messages are added in read order and evicted from the oldest end), so the
/// messages evicted by a purge are the oldest ones still held, whatever their stream.
/// </remarks>
internal sealed class AuditQueueCache(AuditQueueState state, int cacheSize, ILogger logger) : SimpleQueueCache(cacheSize, logger)
{
    private readonly Queue<long> _held = new();

    /// <inheritdoc/>
    public override void AddToCache(IList<IBatchContainer> msgs)
    {
        base.AddToCache(msgs);
        foreach (var message in msgs)
        {
            _held.Enqueue(message is AuditQueueBatch batch ? batch.Tx : 0);
        }
    }

    /// <inheritdoc/>
    public override bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        var before = Size;
        if (!base.TryPurgeFromCache(out var purged))
        {
            purgedItems = null;
            return false;
        }

        var delivered = purged.OfType<AuditQueueBatch>().Select(b => b.Tx).ToHashSet();
        for (var evicted = before - Size; evicted > 0 && _held.Count > 0; evicted--)
        {
            var tx = _held.Dequeue();
            if (tx != 0 && !delivered.Contains(tx))
            {
                state.MarkFailed(tx);
            }
        }

        purgedItems = purged;
        return true;
    }
}
