using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// What the receiver and the delivery failure handler of one queue share: the queue, its store, and the messages whose
/// delivery was given up on and that are not yet safely in the dead-letter table. The receiver never deletes those with
/// a confirmation, so a message is always in exactly one place — the queue or the dead letters — even while the
/// database is unreachable.
/// </summary>
internal sealed partial class AuditQueueState(AuditQueueStore store, string queueId, ILogger logger)
{
    private readonly ConcurrentDictionary<long, bool> _failed = new();

    public AuditQueueStore Store => store;

    public string QueueId => queueId;

    /// <summary>Transaction ids of failed messages still to move to the dead letters.</summary>
    public ICollection<long> Failed => _failed.Keys;

    public void MarkFailed(long tx) => _failed.TryAdd(tx, true);

    /// <summary>The message is in the dead letters now, or is being read again (a new reader gives it a new chance).</summary>
    public void Unmark(long tx) => _failed.TryRemove(tx, out _);

    /// <summary>Moves every failed message of the queue to the dead letters; those that fail stay marked for the next try.</summary>
    public async Task DeadLetterFailedAsync(CancellationToken cancellationToken)
    {
        foreach (var tx in _failed.Keys.ToList())
        {
            try
            {
                var moved = await store.DeadLetterAsync(queueId, tx, "delivery_failed", cancellationToken).ConfigureAwait(true);
                Unmark(tx);
                if (moved > 0)
                {
                    AuditStreamMetrics.DeadLettered.Add(moved);
                    Log.DeadLettered(logger, queueId, tx);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.DeadLetterFailed(logger, ex.GetType().Name, queueId, tx);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuditStreamLogEventIds.DeadLettered, Level = LogLevel.Error,
            Message = "Audit queue message {Tx} of {QueueId} was dead-lettered: its events are not in their tenant's chain (table audit_queue_dead_letters)")]
        public static partial void DeadLettered(ILogger logger, string queueId, long tx);

        [LoggerMessage(EventId = AuditStreamLogEventIds.DeadLetterFailed, Level = LogLevel.Warning,
            Message = "Could not yet move audit queue message {Tx} of {QueueId} to the dead letters ({Cause}); it stays queued and is retried")]
        public static partial void DeadLetterFailed(ILogger logger, string cause, string queueId, long tx);
    }
}
