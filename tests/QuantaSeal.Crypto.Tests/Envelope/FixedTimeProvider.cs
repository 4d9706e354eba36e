namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>A clock that always reads <paramref name="now"/>: the window checks need no real time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
