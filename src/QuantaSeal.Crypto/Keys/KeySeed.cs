using System.Security.Cryptography;

namespace QuantaSeal.Crypto.Keys;

/// <summary>The seed handling both key pair types share: a fresh seed is wiped once the key is built from it, and a given one is copied only after its length check.</summary>
internal static class KeySeed
{
    /// <summary>Builds a key pair from <paramref name="length"/> bytes of the OS CSPRNG, then wipes them.</summary>
    public static TKeyPair Generate<TKeyPair>(int length, Func<byte[], TKeyPair> fromSeed)
    {
        var seed = RandomNumberGenerator.GetBytes(length);
        try
        {
            return fromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The key pair's own copy of <paramref name="seed"/> (the key pair wipes it on dispose).</summary>
    /// <exception cref="ArgumentException">The seed is not <paramref name="length"/> bytes.</exception>
    public static byte[] Copy(ReadOnlySpan<byte> seed, int length, string algorithm, string paramName) =>
        seed.Length == length ? seed.ToArray() : throw new ArgumentException($"An {algorithm} seed must be {length} bytes.", paramName);
}
