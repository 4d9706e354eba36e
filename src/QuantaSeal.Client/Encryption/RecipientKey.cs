using System.Security.Cryptography;
using System.Text;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Encryption;

/// <summary>
/// The client's ML-KEM-768 recipient key: envelopes are sealed to its public half, which the client registers
/// with <c>POST /api/v2/tenant/recipient-keys</c>; the private half never leaves the client.
/// </summary>
/// <remarks>
/// The private key is exchanged as standard base64 of the 64-byte FIPS 203 seed d || z (or, when imported that
/// way, the 2400-byte expanded decapsulation key). Key files hold that base64 text and are written with mode
/// 0600 on Unix. Dispose the key when done to wipe the seed copy it holds.
/// </remarks>
public sealed class RecipientKey : IDisposable
{
    private RecipientKey(MlKem768KeyPair keyPair)
    {
        KeyPair = keyPair;
    }

    /// <summary>The 1184-byte FIPS 203 encapsulation key to register with the server.</summary>
    public byte[] PublicKey => KeyPair.PublicKey;

    /// <summary>The public key as standard base64, ready for the registration request.</summary>
    public string PublicKeyBase64 => StrictBase64.Encode(KeyPair.PublicKey);

    /// <summary>Whether the key holds its 64-byte seed (false when it was imported in expanded form).</summary>
    public bool HasSeed => KeyPair.Seed is not null;

    internal MlKem768KeyPair KeyPair { get; }

    /// <summary>Generates a new recipient key from the OS CSPRNG.</summary>
    public static RecipientKey Generate() => new(MlKem768KeyPair.Generate());

    /// <summary>Imports a private key given as raw bytes: the 64-byte seed or the 2400-byte expanded key.</summary>
    /// <exception cref="ArgumentException">The bytes are neither form (or fail the FIPS 203 check).</exception>
    public static RecipientKey FromPrivateKey(ReadOnlySpan<byte> seedOrExpanded) => new(MlKem768KeyPair.FromPrivateKey(seedOrExpanded));

    /// <summary>
    /// Imports a private key given as standard base64 of the 64-byte seed or the 2400-byte expanded key.
    /// Surrounding whitespace is ignored.
    /// </summary>
    /// <exception cref="FormatException">The text is not standard base64 of either form. The message never echoes it.</exception>
    public static RecipientKey FromBase64(string privateKeyBase64)
    {
        ArgumentNullException.ThrowIfNull(privateKeyBase64);
        if (!StrictBase64.TryDecode(privateKeyBase64.Trim(), out var bytes))
        {
            throw new FormatException("The recipient private key is not standard base64 (RFC 4648 §4, padded).");
        }

        try
        {
            return new RecipientKey(MlKem768KeyPair.FromPrivateKey(bytes));
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Loads a key file written by <see cref="Save"/> (or any file holding the base64 private key).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">The file does not hold a valid key. The message names the file, never its content.</exception>
    public static RecipientKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = File.ReadAllText(path);
        try
        {
            return FromBase64(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"The recipient key file '{path}' does not hold a valid ML-KEM-768 private key: {ex.Message}", ex);
        }
    }

    /// <summary>Exports the private key as standard base64: the 64-byte seed, or the expanded key when no seed is held. Handle as a secret.</summary>
    public string ExportPrivateKeyBase64()
    {
        var bytes = KeyPair.Seed ?? KeyPair.ExportExpandedPrivateKey();
        try
        {
            return StrictBase64.Encode(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Exports the 64-byte seed as standard base64. Handle as a secret.</summary>
    /// <exception cref="InvalidOperationException">The key was imported in expanded form and has no seed.</exception>
    public string ExportSeedBase64()
    {
        var seed = KeyPair.Seed ?? throw new InvalidOperationException("This recipient key was imported in expanded form and has no seed; use ExportPrivateKeyBase64.");
        try
        {
            return StrictBase64.Encode(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Writes the private key (<see cref="ExportPrivateKeyBase64"/> and a newline) to <paramref name="path"/>. On Unix the
    /// file is created with mode 0600 before any secret byte is written; an existing file is replaced only with
    /// <paramref name="overwrite"/>, and then atomically.
    /// </summary>
    /// <exception cref="IOException">The file exists (without <paramref name="overwrite"/>) or cannot be written.</exception>
    public void Save(string path, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = Encoding.ASCII.GetBytes(ExportPrivateKeyBase64() + "\n");
        try
        {
            SecretFile.Write(path, content, overwrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>
    /// Answers a registration challenge (proof of possession): decapsulates <paramref name="ciphertextKem"/> and returns
    /// <c>HMAC-SHA-256(ss, "QuantaSeal/v1/recipient-key-proof" || 0 || tenant_id || 0 || challenge_id || 0 ||
    /// SHA-256(public_key))</c>, the <c>proof</c> of <c>POST /api/v2/tenant/recipient-keys</c>.
    /// </summary>
    public byte[] ProveRegistration(string tenantId, string challengeId, byte[] ciphertextKem)
    {
        ArgumentNullException.ThrowIfNull(ciphertextKem);
        var secret = KeyPair.Decapsulate(ciphertextKem);
        try
        {
            return RecipientKeyProof.Compute(secret, tenantId, challengeId, KeyPair.PublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => KeyPair.Dispose();
}
