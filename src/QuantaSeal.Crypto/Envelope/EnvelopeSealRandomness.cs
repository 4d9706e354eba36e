using System.Security.Cryptography;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// Where a seal's randomness comes from. Production uses <see cref="System"/> (OS CSPRNG, hedged ML-DSA).
/// The pinned golden vector uses fixed ML-KEM randomness m, a fixed nonce and the FIPS 204 deterministic
/// signing mode so every byte of the envelope is reproducible.
/// </summary>
internal sealed class EnvelopeSealRandomness
{
    private readonly byte[]? _kemRandomness;
    private readonly byte[]? _nonce;

    private EnvelopeSealRandomness(byte[]? kemRandomness, byte[]? nonce, bool deterministicSignature)
    {
        _kemRandomness = kemRandomness;
        _nonce = nonce;
        DeterministicSignature = deterministicSignature;
    }

    public static EnvelopeSealRandomness System { get; } = new(null, null, deterministicSignature: false);

    public bool DeterministicSignature { get; }

    /// <summary>Fixed inputs for test vectors only: 32-byte ML-KEM m, 12-byte nonce, deterministic ML-DSA.</summary>
    public static EnvelopeSealRandomness Fixed(ReadOnlySpan<byte> kemRandomness32, ReadOnlySpan<byte> nonce12)
    {
        if (kemRandomness32.Length != 32 || nonce12.Length != PqcSizes.AesGcmNonce)
        {
            throw new ArgumentException("Fixed randomness needs 32 bytes of KEM randomness and a 12-byte nonce.");
        }

        return new EnvelopeSealRandomness(kemRandomness32.ToArray(), nonce12.ToArray(), deterministicSignature: true);
    }

    public (byte[] Ciphertext, byte[] SharedSecret) Encapsulate(ReadOnlySpan<byte> recipientPublicKey) =>
        _kemRandomness is null
            ? MlKem768KeyPair.Encapsulate(recipientPublicKey)
            : MlKem768KeyPair.Encapsulate(recipientPublicKey, FixedRandomGenerator.Create(_kemRandomness));

    public byte[] CreateNonce() =>
        _nonce is null ? RandomNumberGenerator.GetBytes(PqcSizes.AesGcmNonce) : (byte[])_nonce.Clone();
}
