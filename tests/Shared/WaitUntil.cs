namespace QuantaSeal.Tests.Shared;

/// <summary>
/// The test projects' one wait: polls a condition against a deadline instead of sleeping (Orleans'
/// <c>TestingUtils.WaitUntilAsync</c> shape), and says what it waited for when the deadline passes.
/// </summary>
internal static class WaitUntil
{
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with <paramref name="describe"/> after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(
        Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken, TimeSpan? pollInterval = null)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds:F1} s: {describe()}");
            }

            await Task.Delay(pollInterval ?? DefaultPollInterval, cancellationToken);
        }
    }

    /// <inheritdoc cref="TrueAsync(Func{Task{bool}}, TimeSpan, Func{string}, CancellationToken, TimeSpan?)"/>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken)
        => TrueAsync(() => Task.FromResult(condition()), timeout, describe, cancellationToken);
}
