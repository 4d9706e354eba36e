using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Reads one audit queue for its pulling agent (deploy/sql/0007): from a position kept in memory, which starts before
/// the oldest row left, so a new reader delivers again whatever an earlier one read and did not confirm. Confirming
/// deletes exactly the delivered messages with one statement; messages given up on stay until they are in the dead letters.
/// </summary>
internal sealed partial class AuditQueueReceiver(AuditQueueState state, Serializer<AuditQueueBatch> serializer, ILogger logger)
    : IQueueAdapterReceiver
{
    private readonly HashSet<long> _unconfirmed = [];
    private long _position;
    private int _pass;

    /// <summary>The last transaction id read (tests set it to simulate a reader ahead of its server).</summary>
    internal long Position
    {
        get => _position;
        set => _position = value;
    }

    /// <inheritdoc/>
    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    /// <inheritdoc/>
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    /// <inheritdoc/>
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var limit = maxCount <= 0 ? 1024 : maxCount;
        var (rows, nextTx) = await state.Store.ReadWithHorizonAsync(state.QueueId, _position, limit, cancellationToken).ConfigureAwait(true);
        if (nextTx > 0 && nextTx <= _position)
        {
            // The server hands out transaction ids at or below what this reader has already read: it is not the server
            // the position came from (failover to a replica that had not received the last transactions, a restore, a
            // logical-replication cutover). New messages would be skipped, so read again from the start; whatever is
            // delivered twice the chain recognises by event id (issue 12, hole 2).
            Log.PositionRegressed(logger, state.QueueId, _position, nextTx);
            AuditStreamMetrics.PositionResets.Add(1);
            _position = 0;
            _pass++;
            _unconfirmed.Clear();
            (rows, _) = await state.Store.ReadWithHorizonAsync(state.QueueId, _position, limit, cancellationToken).ConfigureAwait(true);
        }

        var batches = new List<IBatchContainer>(rows.Count);
        foreach (var (tx, payload) in rows)
        {
            _position = tx;

            // Only a new reader meets a message already given up on (one that could not be dead-lettered yet): it is
            // delivered again, and dead-lettered only if it fails again.
            state.Unmark(tx);
            AuditQueueBatch? batch;
            try
            {
                batch = serializer.Deserialize(payload) ?? throw new InvalidDataException("empty message");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unreadable (written by an incompatible version): it can never be delivered, so it goes where operators look.
                Log.UnreadableMessage(logger, ex.GetType().Name, state.QueueId, tx);
                state.MarkFailed(tx);
                continue;
            }

            batch = Upgraded(batch);
            batch.Tx = tx;
            batch.ReadPass = _pass;
            batches.Add(batch);
        }

        return batches;
    }

    /// <inheritdoc/>
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <inheritdoc/>
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await state.DeadLetterFailedAsync(cancellationToken).ConfigureAwait(true);
        // Exactly the messages the cache reports delivered, never a range: a range would take with it messages of a
        // failed batched delivery that are still waiting for the dead letters (issue 12, hole 1).
        // A confirmation that failed (database unreachable) is retried with the next one: the agent does not hand the
        // same messages over again, and left in the table they would only be delivered again by the next reader.
        var failed = state.Failed.ToHashSet();
        // Only messages of the current pass: after the server's transaction ids went backwards, an earlier pass's
        // transaction id may name another, undelivered row (the current pass reads that one again anyway).
        _unconfirmed.UnionWith(messages.OfType<AuditQueueBatch>().Where(m => m.ReadPass == _pass && m.Tx > 0).Select(m => m.Tx));
        _unconfirmed.ExceptWith(failed);
        if (_unconfirmed.Count > 0)
        {
            await state.Store.ConfirmAsync(state.QueueId, [.. _unconfirmed], cancellationToken).ConfigureAwait(true);
            _unconfirmed.Clear();
        }
    }

    /// <inheritdoc/>
    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;

    /// <summary>
    /// A message queued by a silo of an earlier version (stream namespace <c>audit</c>) is delivered on today's stream of
    /// the same tenant, so an upgrade keeps what was acknowledged but not yet chained (see <see cref="AuditStreams.Current"/>).
    /// </summary>
    internal static AuditQueueBatch Upgraded(AuditQueueBatch batch)
    {
        var current = AuditStreams.Current(batch.StreamId);
        return current.Equals(batch.StreamId)
            ? batch
            : new AuditQueueBatch { StreamId = current, Events = batch.Events, RequestContext = batch.RequestContext };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuditStreamLogEventIds.PositionRegressed, Level = LogLevel.Warning,
            Message = "Audit queue {QueueId}: the database's next transaction id {NextTx} is not above the reader's position {Position} (failover, restore?); reading the queue again from the start")]
        public static partial void PositionRegressed(ILogger logger, string queueId, long position, long nextTx);

        [LoggerMessage(EventId = AuditStreamLogEventIds.UnreadableMessage, Level = LogLevel.Error,
            Message = "Audit queue message {Tx} of {QueueId} cannot be deserialised ({Cause}); it is dead-lettered")]
        public static partial void UnreadableMessage(ILogger logger, string cause, string queueId, long tx);
    }
}
