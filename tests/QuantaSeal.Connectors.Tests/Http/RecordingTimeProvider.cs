using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Connectors.Tests.Http;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the due time of every timer created on it, so a test can read the
/// wait the resilience pipeline chose (a retry delay is a timer) and then advance past it instead of sleeping.
/// </summary>
internal sealed class RecordingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<TimeSpan> _timers = new();

    /// <summary>Due times of the timers created so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Timers => [.. _timers];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>
    /// The armed due times shorter than <paramref name="shorterThan"/>: with the attempt and total timeouts set longer
    /// than any retry may wait, these are the pipeline's retry delays (unarmed, infinite timers are left out).
    /// </summary>
    public IReadOnlyList<TimeSpan> TimersShorterThan(TimeSpan shorterThan) => [.. _timers.Where(t => t > TimeSpan.Zero && t < shorterThan)];

    /// <summary>Waits until <paramref name="count"/> timers shorter than <paramref name="shorterThan"/> exist.</summary>
    public async Task<IReadOnlyList<TimeSpan>> WaitForTimersAsync(int count, TimeSpan shorterThan, CancellationToken cancellationToken)
    {
        await WaitUntil.TrueAsync(
            () => TimersShorterThan(shorterThan).Count >= count,
            TimeSpan.FromSeconds(10),
            () => $"{count} retry timer(s); saw [{string.Join(", ", Timers)}]",
            cancellationToken);
        return TimersShorterThan(shorterThan);
    }
}
