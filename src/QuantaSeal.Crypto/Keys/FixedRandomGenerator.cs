using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// Hands out exactly the bytes it was given, then throws. Used only to reproduce pinned test
/// vectors (fixed ML-KEM encapsulation randomness m); never for production sealing.
/// </summary>
internal sealed class FixedRandomGenerator(byte[] bytes) : IRandomGenerator
{
    private readonly byte[] _bytes = (byte[])bytes.Clone();
    private int _position;

    public static SecureRandom Create(ReadOnlySpan<byte> bytes) => new(new FixedRandomGenerator(bytes.ToArray()));

    public void AddSeedMaterial(byte[] seed)
    {
    }

    public void AddSeedMaterial(ReadOnlySpan<byte> seed)
    {
    }

    public void AddSeedMaterial(long seed)
    {
    }

    public void NextBytes(byte[] bytes) => NextBytes(bytes.AsSpan());

    public void NextBytes(byte[] bytes, int start, int len) => NextBytes(bytes.AsSpan(start, len));

    public void NextBytes(Span<byte> bytes)
    {
        if (bytes.Length > _bytes.Length - _position)
        {
            throw new InvalidOperationException("The fixed randomness source is exhausted.");
        }

        _bytes.AsSpan(_position, bytes.Length).CopyTo(bytes);
        _position += bytes.Length;
    }
}
