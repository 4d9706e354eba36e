using System.Security.Cryptography;
using QuantaSeal.Crypto.Aead;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.KeyWrap;

/// <summary>
/// The default key-wrap provider: a 32-byte master key (file or environment variable) from which a
/// per-tenant KEK is derived, <c>HKDF-SHA-256(ikm = master, salt = "QuantaSeal/v1/kek", info = tenant_id, L = 32)</c>.
/// Keys are wrapped with AES-256-GCM, <c>aad = UTF8(tenant_id) || 0x00 || UTF8(purpose)</c>. Tenant subkeys
/// (<see cref="DeriveTenantKeyAsync"/>) are <c>HKDF-SHA-256(ikm = KEK, salt = "QuantaSeal/v1/tenant-subkey", info = UTF8(label), L = 32)</c>.
/// </summary>
/// <remarks>
/// <see cref="KeyRef"/> is <c>local:</c> plus the first 8 bytes (hex) of SHA-256(master), so unwrapping with
/// the wrong master key is reported as exactly that instead of as corruption. Safe for concurrent use.
/// </remarks>
public sealed class LocalKeyWrapProvider : IKeyWrapProvider, IDisposable
{
    /// <summary>The provider name recorded in wrapped keys.</summary>
    public const string Name = "local";

    /// <summary>Master key length in bytes.</summary>
    public const int MasterKeyBytes = 32;

    private const int GroupOrOtherWriteBits = (int)(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
    private const int GroupOrOtherAnyBits = (int)(UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

    private static ReadOnlySpan<byte> KekSalt => "QuantaSeal/v1/kek"u8;

    private static ReadOnlySpan<byte> SubkeySalt => "QuantaSeal/v1/tenant-subkey"u8;

    private readonly byte[] _masterKey;
    private volatile bool _disposed;

    /// <summary>Creates the provider from the raw 32-byte master key (copied).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public LocalKeyWrapProvider(ReadOnlySpan<byte> masterKey32)
    {
        if (masterKey32.Length != MasterKeyBytes)
        {
            throw new ArgumentException($"The local master key must be {MasterKeyBytes} bytes.", nameof(masterKey32));
        }

        _masterKey = masterKey32.ToArray();
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(_masterKey, digest);
        KeyRef = "local:" + Convert.ToHexStringLower(digest[..8]);
    }

    /// <inheritdoc/>
    public string ProviderName => Name;

    /// <summary>Fingerprint of the master key: <c>local:</c> + hex of the first 8 bytes of its SHA-256.</summary>
    public string KeyRef { get; }

    /// <summary>
    /// Loads the master key from a file holding standard base64 of 32 bytes (surrounding whitespace ignored).
    /// On Unix the file must not be accessible to group or others (like <c>ssh</c> private keys): use mode 0600
    /// or 0400. Use <see cref="FromFile(string, bool)"/> to accept group/other-readable secret mounts.
    /// </summary>
    /// <exception cref="KeyWrapException">The file is unreadable, too permissive, or does not hold a valid key.</exception>
    public static LocalKeyWrapProvider FromFile(string path) => FromFile(path, allowGroupOrOtherRead: false);

    /// <summary>
    /// Loads the master key from a file. Group- or world-writable files are always refused;
    /// <paramref name="allowGroupOrOtherRead"/> additionally accepts read permission for group/others, as
    /// some secret mounts (e.g. Kubernetes' default 0644) grant.
    /// </summary>
    /// <exception cref="KeyWrapException">The file is unreadable, too permissive, or does not hold a valid key.</exception>
    public static LocalKeyWrapProvider FromFile(string path, bool allowGroupOrOtherRead)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = (int)File.GetUnixFileMode(path);
                var forbidden = allowGroupOrOtherRead ? GroupOrOtherWriteBits : GroupOrOtherAnyBits;
                if ((mode & forbidden) != 0)
                {
                    throw new KeyWrapException(
                        $"The master key file '{path}' is accessible to group or others (mode {Convert.ToString(mode, 8)}); " +
                        "restrict it with 'chmod 600'.");
                }
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyWrapException($"The master key file '{path}' could not be read: {ex.GetType().Name}.", ex);
        }

        return FromBase64Core(text.Trim(), $"The master key file '{path}'");
    }

    /// <summary>Creates the provider from standard base64 of the 32-byte master key (e.g. an environment variable).</summary>
    /// <exception cref="KeyWrapException">The text is not standard base64 of 32 bytes.</exception>
    public static LocalKeyWrapProvider FromBase64(string masterKeyBase64)
    {
        ArgumentNullException.ThrowIfNull(masterKeyBase64);
        return FromBase64Core(masterKeyBase64.Trim(), "The master key");
    }

    /// <summary>Generates a new random master key and returns it as standard base64 (handle it as a secret).</summary>
    public static string GenerateMasterKeyBase64()
    {
        var key = RandomNumberGenerator.GetBytes(MasterKeyBytes);
        try
        {
            return StrictBase64.Encode(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <inheritdoc/>
    public ValueTask<WrappedKey> WrapAsync(string tenantId, string purpose, ReadOnlyMemory<byte> plaintextKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var aad = BuildAad(tenantId, purpose);
        Span<byte> kek = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            DeriveKek(tenantId, kek);
            var nonce = RandomNumberGenerator.GetBytes(PqcSizes.AesGcmNonce);
            var sealedKey = KemAead.Encrypt(kek, nonce, plaintextKey.Span, aad);
            var ciphertext = new byte[nonce.Length + sealedKey.Length];
            nonce.CopyTo(ciphertext, 0);
            sealedKey.CopyTo(ciphertext, nonce.Length);
            return ValueTask.FromResult(new WrappedKey(Name, KeyRef, ciphertext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <inheritdoc/>
    public ValueTask<byte[]> UnwrapAsync(string tenantId, string purpose, WrappedKey wrapped, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(wrapped);
        var aad = BuildAad(tenantId, purpose);
        if (!string.Equals(wrapped.Provider, Name, StringComparison.Ordinal))
        {
            throw new KeyWrapException($"The key was wrapped by provider '{wrapped.Provider}', not '{Name}'.");
        }

        if (!string.Equals(wrapped.KeyRef, KeyRef, StringComparison.Ordinal))
        {
            throw new KeyWrapException(
                $"The key was wrapped under master key '{wrapped.KeyRef}', but the configured master key is '{KeyRef}'.");
        }

        if (wrapped.Ciphertext is null || wrapped.Ciphertext.Length < PqcSizes.AesGcmNonce + PqcSizes.AesGcmTag)
        {
            throw new KeyWrapException("The wrapped key is truncated.");
        }

        Span<byte> kek = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            DeriveKek(tenantId, kek);
            var nonce = wrapped.Ciphertext.AsSpan(0, PqcSizes.AesGcmNonce);
            var sealedKey = wrapped.Ciphertext.AsSpan(PqcSizes.AesGcmNonce);
            return KemAead.TryDecrypt(kek, nonce, sealedKey, aad, out var plaintext)
                ? ValueTask.FromResult(plaintext)
                : throw new KeyWrapException("The wrapped key does not unwrap for this tenant and purpose (or it is corrupted).");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <inheritdoc/>
    public ValueTask<byte[]> DeriveTenantKeyAsync(string tenantId, string label, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(label);
        Span<byte> kek = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            // The KEK itself keys AES-GCM for wrapping; a subkey for another purpose is a separate HKDF output (its own
            // salt and label), so no two purposes ever share key bytes.
            DeriveKek(tenantId, kek);
            var subkey = new byte[32];
            HKDF.DeriveKey(HashAlgorithmName.SHA256, kek, subkey, SubkeySalt, StrictUtf8.GetBytes(label, nameof(label)));
            return ValueTask.FromResult(subkey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_masterKey);
    }

    private static LocalKeyWrapProvider FromBase64Core(string text, string what)
    {
        if (!StrictBase64.TryDecode(text, out var key))
        {
            throw new KeyWrapException($"{what} is not standard base64 (RFC 4648 §4, padded).");
        }

        try
        {
            return key.Length == MasterKeyBytes
                ? new LocalKeyWrapProvider(key)
                : throw new KeyWrapException($"{what} must decode to {MasterKeyBytes} bytes; it decodes to {key.Length}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] BuildAad(string tenantId, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (tenantId.Contains('\0', StringComparison.Ordinal) || purpose.Contains('\0', StringComparison.Ordinal))
        {
            // 0x00 separates the two fields in the AAD; refusing it keeps the AAD unambiguous.
            throw new ArgumentException("Tenant id and purpose must not contain NUL characters.");
        }

        var tenant = StrictUtf8.GetBytes(tenantId, nameof(tenantId));
        var purposeBytes = StrictUtf8.GetBytes(purpose, nameof(purpose));
        var aad = new byte[tenant.Length + 1 + purposeBytes.Length];
        tenant.CopyTo(aad, 0);
        purposeBytes.CopyTo(aad, tenant.Length + 1);
        return aad;
    }

    private void DeriveKek(string tenantId, Span<byte> kek) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKey, kek, KekSalt, StrictUtf8.GetBytes(tenantId, nameof(tenantId)));
}
