using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// BouncyCastle randomness backed by the OS CSPRNG (<see cref="RandomNumberGenerator"/>). Stateless,
/// so one shared instance is safe from any thread; seed material is ignored on purpose.
/// </summary>
internal sealed class SystemRandomGenerator : IRandomGenerator
{
    public static SecureRandom SecureRandom { get; } = new(new SystemRandomGenerator());

    public void AddSeedMaterial(byte[] seed)
    {
    }

    public void AddSeedMaterial(ReadOnlySpan<byte> seed)
    {
    }

    public void AddSeedMaterial(long seed)
    {
    }

    public void NextBytes(byte[] bytes) => RandomNumberGenerator.Fill(bytes);

    public void NextBytes(byte[] bytes, int start, int len) => RandomNumberGenerator.Fill(bytes.AsSpan(start, len));

    public void NextBytes(Span<byte> bytes) => RandomNumberGenerator.Fill(bytes);
}
