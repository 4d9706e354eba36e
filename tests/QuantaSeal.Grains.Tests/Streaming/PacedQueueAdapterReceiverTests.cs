using Microsoft.Extensions.Time.Testing;
using Orleans.Streams;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// The read pacing of the durable audit queue: after a partial read the next read waits out the spacing, after a full
/// or an empty one it does not, and a shutdown ends the wait. Time is a <see cref="FakeTimeProvider"/>, so "waits" means
/// the wrapped receiver is not asked until the clock has moved.
/// </summary>
public sealed class PacedQueueAdapterReceiverTests
{
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task AfterAPartialRead_TheNextReadWaitsUntilTheSpacingHasPassed()
    {
        var (inner, time, receiver) = Create();
        inner.Next.Enqueue(2);
        inner.Next.Enqueue(1);

        Assert.Equal(2, (await receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken)).Count);
        time.Advance(TimeSpan.FromMilliseconds(20));
        var second = receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);

        Assert.False(second.IsCompleted);
        Assert.Equal(1, inner.Reads);
        time.Advance(TimeSpan.FromMilliseconds(29));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public async Task AfterAFullRead_TheNextReadGoesAtOnce()
    {
        var (inner, _, receiver) = Create();
        inner.Next.Enqueue(10);
        inner.Next.Enqueue(3);

        await receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);
        var second = receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);

        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(3, (await second).Count);
    }

    [Fact]
    public async Task AfterAnEmptyRead_TheNextReadGoesAtOnce()
    {
        var (inner, _, receiver) = Create();
        inner.Next.Enqueue(0);
        inner.Next.Enqueue(1);

        Assert.Empty(await receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken));
        var second = receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);

        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public async Task Shutdown_EndsTheWait_AndIsPassedOn()
    {
        var (inner, _, receiver) = Create();
        inner.Next.Enqueue(1);
        inner.Next.Enqueue(4);
        await receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);
        var waiting = receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        await receiver.Shutdown(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.Equal(4, (await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Count);
        Assert.True(inner.ShutDown);
    }

    [Fact]
    public async Task TheCallersCancellation_StopsTheWait_WithoutReading()
    {
        var (inner, _, receiver) = Create();
        inner.Next.Enqueue(1);
        await receiver.GetQueueMessagesAsync(10, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var waiting = receiver.GetQueueMessagesAsync(10, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task Confirmations_GoToTheWrappedReceiver()
    {
        var (inner, _, receiver) = Create();
        IList<IBatchContainer> delivered = [];

        await receiver.MessagesDeliveredAsync(delivered, TestContext.Current.CancellationToken);

        Assert.Same(delivered, inner.Delivered);
    }

    private static (FakeReceiver Inner, FakeTimeProvider Time, PacedQueueAdapterReceiver Receiver) Create()
    {
        var inner = new FakeReceiver();
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        return (inner, time, new PacedQueueAdapterReceiver(inner, Spacing, time));
    }

    private sealed class FakeReceiver : IQueueAdapterReceiver
    {
        public Queue<int> Next { get; } = new();

        public int Reads { get; private set; }

        public bool ShutDown { get; private set; }

        public IList<IBatchContainer>? Delivered { get; private set; }

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            Reads++;
            var count = Next.Count > 0 ? Next.Dequeue() : 0;
            IList<IBatchContainer> batch = [.. Enumerable.Repeat<IBatchContainer>(null!, count)];
            return Task.FromResult(batch);
        }

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
        {
            Delivered = messages;
            return Task.CompletedTask;
        }

        public Task Shutdown(TimeSpan timeout)
        {
            ShutDown = true;
            return Task.CompletedTask;
        }
    }
}
