using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// An ML-DSA-65 (FIPS 204) signing key pair: 1952-byte public key, 32-byte seed xi. Signatures are the pure
/// (not pre-hash) variant with a context string, hedged with fresh randomness.
/// </summary>
/// <remarks>
/// Instances are immutable and safe to use from several threads at once. <see cref="Dispose"/> zeroes the
/// seed copy this object holds; BouncyCastle keeps its own copy of the key that cannot be wiped.
/// </remarks>
public sealed class MlDsa65KeyPair : IDisposable
{
    /// <summary>FIPS 204 limits the context string to 255 bytes.</summary>
    public const int MaxContextBytes = 255;

    private static readonly MLDsaParameters Parameters = MLDsaParameters.ml_dsa_65;

    private readonly MLDsaPrivateKeyParameters _privateKey;
    private readonly byte[] _publicKey;
    private readonly byte[] _seed;
    private volatile bool _disposed;

    private MlDsa65KeyPair(MLDsaPrivateKeyParameters privateKey, byte[] seed)
    {
        _privateKey = privateKey;
        _publicKey = privateKey.GetPublicKeyEncoded();
        _seed = seed;
    }

    /// <summary>The 1952-byte FIPS 204 public key (a fresh copy on every call).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The 32-byte seed xi (a fresh copy on every call).</summary>
    public byte[] Seed
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return (byte[])_seed.Clone();
        }
    }

    /// <summary>Generates a key pair from a fresh 32-byte seed drawn from the OS CSPRNG.</summary>
    public static MlDsa65KeyPair Generate() => KeySeed.Generate(PqcSizes.MlDsa65Seed, seed => FromSeed(seed));

    /// <summary>Regenerates the key pair from its FIPS 204 seed (32 bytes).</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static MlDsa65KeyPair FromSeed(ReadOnlySpan<byte> seed32)
    {
        var seed = KeySeed.Copy(seed32, PqcSizes.MlDsa65Seed, "ML-DSA-65", nameof(seed32));
        return new MlDsa65KeyPair(MLDsaPrivateKeyParameters.FromSeed(Parameters, seed), seed);
    }

    /// <summary>
    /// Signs <paramref name="message"/> with FIPS 204 ML-DSA.Sign (pure, hedged) under the UTF-8
    /// <paramref name="context"/> string.
    /// </summary>
    /// <exception cref="ArgumentException">The context is longer than 255 UTF-8 bytes or is not valid UTF-16.</exception>
    public byte[] Sign(ReadOnlySpan<byte> message, string context) => Sign(message, context, deterministic: false);

    /// <summary>
    /// Verifies a FIPS 204 pure ML-DSA-65 signature under the UTF-8 <paramref name="context"/>. Never throws
    /// on malformed input: a wrong-length key or signature, or a bad context, yields <see langword="false"/>.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, string context, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PqcSizes.MlDsa65PublicKey || signature.Length != PqcSizes.MlDsa65Signature || context is null)
        {
            return false;
        }

        if (!StrictUtf8.TryGetBytes(context, out var contextBytes) || contextBytes.Length > MaxContextBytes)
        {
            return false;
        }

        try
        {
            var key = MLDsaPublicKeyParameters.FromEncoding(Parameters, publicKey.ToArray());
            var verifier = new MLDsaSigner(Parameters, deterministic: false);
            verifier.Init(forSigning: false, new ParametersWithContext(key, contextBytes));
            verifier.BlockUpdate(message);
            return verifier.VerifySignature(signature.ToArray());
        }
#pragma warning disable CA1031 // Verify is documented never to throw on attacker-controlled input: any failure is "invalid".
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_seed);
    }

    /// <summary>
    /// Signs hedged (fresh 32-byte rnd) or, for pinned test vectors only, in the FIPS 204 deterministic mode
    /// (rnd = 32 zero bytes).
    /// </summary>
    internal byte[] Sign(ReadOnlySpan<byte> message, string context, bool deterministic)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(context);
        var contextBytes = StrictUtf8.GetBytes(context, nameof(context));
        if (contextBytes.Length > MaxContextBytes)
        {
            throw new ArgumentException($"An ML-DSA context string is at most {MaxContextBytes} UTF-8 bytes.", nameof(context));
        }

        var signer = new MLDsaSigner(Parameters, deterministic);

        // The context wrapper must be the outermost parameter (BouncyCastle 2.7.0 unwraps it first and
        // rejects anything else around it); the randomness wrapper sits inside it.
        ICipherParameters keyParameters = deterministic
            ? _privateKey
            : new ParametersWithRandom(_privateKey, SystemRandomGenerator.SecureRandom);
        signer.Init(forSigning: true, new ParametersWithContext(keyParameters, contextBytes));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }
}
