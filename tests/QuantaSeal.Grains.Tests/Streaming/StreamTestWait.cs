namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>Polls a condition against a deadline instead of sleeping (Orleans' TestingUtils.WaitUntilAsync shape).</summary>
internal static class StreamTestWait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    internal static async Task UntilAsync(
        Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds:F1} s: {describe()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
