using System.Collections.Concurrent;

namespace QuantaSeal.Grains.Hosting.Streaming;

/// <summary>
/// What the receiver and the delivery failure handler of one queue share: the messages whose delivery was given up
/// on and that are not yet safely in the dead-letter table. The receiver never deletes those with a confirmation, so a
/// message is always in exactly one place — the queue or the dead letters — even while the database is unreachable.
/// </summary>
internal sealed class AuditQueueState
{
    private readonly ConcurrentDictionary<long, bool> _failed = new();

    /// <summary>Transaction ids of failed messages still to move to the dead letters.</summary>
    public ICollection<long> Failed => _failed.Keys;

    public void MarkFailed(long tx) => _failed.TryAdd(tx, true);

    /// <summary>The message is in the dead letters now, or is being read again (a new reader gives it a new chance).</summary>
    public void Unmark(long tx) => _failed.TryRemove(tx, out _);
}
