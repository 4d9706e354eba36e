using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// A queue receiver that reads a busy queue in batches instead of message by message. Orleans' pulling agent reads
/// again as soon as a read returned anything, so a queue that receives a message every few milliseconds is polled just
/// as often, one or two messages per query (under proxy load the polls dominated PostgreSQL's statement time;
/// loadtests/README.md). Here a read that follows a read which returned some messages but fewer than asked for waits until
/// <c>spacing</c> has passed since that read began; meanwhile messages gather and the next read, the cache's
/// confirmation and the chain's write each carry several. A read that came back full goes again at once (a backlog is
/// drained at full speed) and an empty read leaves the pace to the agent's own timer, as before.
/// </summary>
/// <remarks>
/// This delays only when events reach their chain (by at most <c>spacing</c>), never when a caller gets its answer:
/// callers are answered once the event is durably enqueued. A shutdown cancels the wait.
/// </remarks>
internal sealed class PacedQueueAdapterReceiver(IQueueAdapterReceiver inner, TimeSpan spacing, TimeProvider time) : IQueueAdapterReceiver, IDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private long _lastReadStarted;
    private bool _lastReadPartial;

    /// <inheritdoc/>
    public Task Initialize(TimeSpan timeout) => inner.Initialize(timeout);

    /// <inheritdoc/>
    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => inner.Initialize(timeout, cancellationToken);

    /// <inheritdoc/>
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    /// <inheritdoc/>
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_lastReadPartial)
        {
            var wait = spacing - time.GetElapsedTime(_lastReadStarted);
            if (wait > TimeSpan.Zero)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
                try
                {
                    await Task.Delay(wait, time, linked.Token).ConfigureAwait(true);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Shutting down: read what is there now rather than wait.
                }
            }
        }

        _lastReadStarted = time.GetTimestamp();
        var batch = await inner.GetQueueMessagesAsync(maxCount, cancellationToken).ConfigureAwait(true);
        _lastReadPartial = batch is { Count: > 0 } && (maxCount <= 0 || batch.Count < maxCount);
        return batch;
    }

    /// <inheritdoc/>
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => inner.MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <inheritdoc/>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        inner.MessagesDeliveredAsync(messages, cancellationToken);

    /// <inheritdoc/>
    public Task Shutdown(TimeSpan timeout)
    {
        _shutdown.Cancel();
        return inner.Shutdown(timeout);
    }

    /// <inheritdoc/>
    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _shutdown.Cancel();
        return inner.Shutdown(timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _shutdown.Dispose();
}
