using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// An ML-KEM-768 (FIPS 203) key pair. Keys use the standard encodings: the 1184-byte encapsulation key,
/// the 2400-byte expanded decapsulation key, and the 64-byte key-generation seed d || z.
/// </summary>
/// <remarks>
/// Instances are immutable and safe to use from several threads at once. <see cref="Dispose"/> zeroes the
/// copy of the seed this object holds; BouncyCastle keeps its own copy of the key that cannot be wiped.
/// </remarks>
public sealed class MlKem768KeyPair : IDisposable
{
    private static readonly MLKemParameters Parameters = MLKemParameters.ml_kem_768;

    private readonly MLKemPrivateKeyParameters _privateKey;
    private readonly byte[] _publicKey;
    private readonly byte[]? _seed;
    private volatile bool _disposed;

    private MlKem768KeyPair(MLKemPrivateKeyParameters privateKey, byte[]? seed)
    {
        _privateKey = privateKey;
        _publicKey = privateKey.GetPublicKeyEncoded();
        _seed = seed;
    }

    /// <summary>The 1184-byte FIPS 203 encapsulation key (a fresh copy on every call).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>
    /// The 64-byte seed d || z (a fresh copy), or <see langword="null"/> when the key was imported from its
    /// expanded form.
    /// </summary>
    public byte[]? Seed
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return (byte[]?)_seed?.Clone();
        }
    }

    /// <summary>Generates a key pair from a fresh 64-byte seed drawn from the OS CSPRNG.</summary>
    public static MlKem768KeyPair Generate() => KeySeed.Generate(PqcSizes.MlKem768Seed, seed => FromSeed(seed));

    /// <summary>Regenerates the key pair from its FIPS 203 seed d || z (64 bytes).</summary>
    /// <exception cref="ArgumentException">The seed is not 64 bytes.</exception>
    public static MlKem768KeyPair FromSeed(ReadOnlySpan<byte> seed64)
    {
        var seed = KeySeed.Copy(seed64, PqcSizes.MlKem768Seed, "ML-KEM-768", nameof(seed64));
        return new MlKem768KeyPair(MLKemPrivateKeyParameters.FromSeed(Parameters, seed), seed);
    }

    /// <summary>
    /// Imports a decapsulation key given either as the 64-byte seed or as the 2400-byte expanded FIPS 203
    /// encoding. The expanded form is checked as FIPS 203 §7.3 requires (embedded H(ek)).
    /// </summary>
    /// <exception cref="ArgumentException">The input has another length or fails the FIPS 203 check.</exception>
    public static MlKem768KeyPair FromPrivateKey(ReadOnlySpan<byte> seedOrExpanded)
    {
        switch (seedOrExpanded.Length)
        {
            case PqcSizes.MlKem768Seed:
                return FromSeed(seedOrExpanded);
            case PqcSizes.MlKem768ExpandedPrivate:
                var encoded = seedOrExpanded.ToArray();
                try
                {
                    return new MlKem768KeyPair(MLKemPrivateKeyParameters.FromEncoding(Parameters, encoded), seed: null);
                }
                catch (ArgumentException)
                {
                    // BouncyCastle's message is safe, but we do not let any library text near key bytes.
                    throw new ArgumentException(
                        "The ML-KEM-768 expanded decapsulation key is not valid (FIPS 203 hash check failed).",
                        nameof(seedOrExpanded));
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(encoded);
                }

            default:
                throw new ArgumentException(
                    $"An ML-KEM-768 private key must be the {PqcSizes.MlKem768Seed}-byte seed or the " +
                    $"{PqcSizes.MlKem768ExpandedPrivate}-byte expanded key; got {seedOrExpanded.Length} bytes.",
                    nameof(seedOrExpanded));
        }
    }

    /// <summary>
    /// Encapsulates a fresh 32-byte shared secret to an ML-KEM-768 public key. The key gets the FIPS 203
    /// §7.2 modulus check.
    /// </summary>
    /// <exception cref="ArgumentException">The public key is not a valid 1184-byte encapsulation key.</exception>
    public static (byte[] Ciphertext, byte[] SharedSecret) Encapsulate(ReadOnlySpan<byte> publicKey1184) =>
        Encapsulate(publicKey1184, SystemRandomGenerator.SecureRandom);

    /// <summary>Encapsulation with an explicit randomness source (fixed randomness for test vectors).</summary>
    internal static (byte[] Ciphertext, byte[] SharedSecret) Encapsulate(ReadOnlySpan<byte> publicKey1184, SecureRandom random)
    {
        var publicKey = ImportPublicKey(publicKey1184, nameof(publicKey1184));
        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(new ParametersWithRandom(publicKey, random));
        var ciphertext = new byte[PqcSizes.MlKem768Ciphertext];
        var sharedSecret = new byte[PqcSizes.MlKemSharedSecret];
        encapsulator.Encapsulate(ciphertext, sharedSecret);
        return (ciphertext, sharedSecret);
    }

    /// <summary>
    /// Recovers the 32-byte shared secret. A tampered ciphertext does not fail here (FIPS 203 implicit
    /// rejection yields an unrelated secret); callers must authenticate what they decrypt with it.
    /// </summary>
    /// <exception cref="ArgumentException">The ciphertext is not 1088 bytes.</exception>
    public byte[] Decapsulate(ReadOnlySpan<byte> ciphertext1088)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ciphertext1088.Length != PqcSizes.MlKem768Ciphertext)
        {
            throw new ArgumentException($"An ML-KEM-768 ciphertext must be {PqcSizes.MlKem768Ciphertext} bytes.", nameof(ciphertext1088));
        }

        var decapsulator = new MLKemDecapsulator(Parameters);
        decapsulator.Init(_privateKey);
        var sharedSecret = new byte[PqcSizes.MlKemSharedSecret];
        decapsulator.Decapsulate(ciphertext1088, sharedSecret);
        return sharedSecret;
    }

    /// <summary>Exports the 2400-byte expanded FIPS 203 decapsulation key. The caller owns (and should wipe) the copy.</summary>
    public byte[] ExportExpandedPrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _privateKey.GetEncoded();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        if (_seed is not null)
        {
            CryptographicOperations.ZeroMemory(_seed);
        }
    }

    private static MLKemPublicKeyParameters ImportPublicKey(ReadOnlySpan<byte> publicKey, string paramName)
    {
        if (publicKey.Length != PqcSizes.MlKem768PublicKey)
        {
            throw new ArgumentException($"An ML-KEM-768 public key must be {PqcSizes.MlKem768PublicKey} bytes.", paramName);
        }

        try
        {
            return MLKemPublicKeyParameters.FromEncoding(Parameters, publicKey.ToArray());
        }
        catch (ArgumentException)
        {
            throw new ArgumentException("The ML-KEM-768 public key is not valid (FIPS 203 modulus check failed).", paramName);
        }
    }
}
