using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Encryption;

/// <summary>
/// Verifies and decrypts the HybridCryptoEnvelopes the QuantaSeal proxy returns (DESIGN §4), v1 and v2. Both signatures
/// (ML-DSA-65 with a pinned public key chosen by <c>key_id</c>, and HMAC-SHA-512 with the tenant HMAC key)
/// are checked before anything is decrypted; every failure throws <see cref="EnvelopeVerificationException"/>
/// and no plaintext is ever returned for a rejected envelope.
/// </summary>
/// <remarks>
/// <see cref="Decrypt(HybridEnvelope)"/> checks the signatures only. <see cref="Verify"/> and <see cref="Open"/> also
/// check the v2 binding (docs/envelope-v2.md, "What a client should check"): the request hash the client computed with
/// <see cref="EnvelopeRequestHash"/>, and <c>issued_at</c> within <see cref="MaxAge"/> and <see cref="ClockSkew"/>.
/// <c>QuantaSealClient.ProxyAsync</c> does this for every proxy answer.
/// </remarks>
/// <remarks>
/// Pin the signing public keys from <c>GET /api/v2/tenant/keys</c> (current and retired, by key id) and keep the
/// HMAC key from tenant creation or key rotation. Instances are safe to use from several threads at once.
/// Dispose to wipe the copy of the HMAC key this object holds; the <see cref="RecipientKey"/> stays the caller's.
/// </remarks>
public sealed class Encryption : IDisposable
{
    private static readonly JsonSerializerOptions DefaultJsonOptions = new(JsonSerializerDefaults.Web);
    private static readonly UTF8Encoding StrictUtf8Decoder = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly EnvelopeOpenKeys _keys;
    private volatile bool _disposed;

    /// <summary>Creates an envelope opener.</summary>
    /// <param name="signingPublicKeys">The tenant's ML-DSA-65 public keys (1952 bytes each) by key id; copied.</param>
    /// <param name="hmacKey">The tenant's 64-byte HMAC-SHA-512 key; copied.</param>
    /// <param name="recipientKey">The client's recipient key that envelopes are sealed to.</param>
    /// <param name="expectedTenantId">When set, envelopes of any other tenant are rejected.</param>
    /// <exception cref="ArgumentException">A key has the wrong length or a key id is empty.</exception>
    public Encryption(
        IReadOnlyDictionary<string, byte[]> signingPublicKeys,
        ReadOnlySpan<byte> hmacKey,
        RecipientKey recipientKey,
        string? expectedTenantId = null)
    {
        ArgumentNullException.ThrowIfNull(signingPublicKeys);
        ArgumentNullException.ThrowIfNull(recipientKey);
        if (hmacKey.Length != PqcSizes.HmacKey)
        {
            throw new ArgumentException($"The HMAC key must be {PqcSizes.HmacKey} bytes.", nameof(hmacKey));
        }

        var pinned = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (keyId, publicKey) in signingPublicKeys)
        {
            if (string.IsNullOrEmpty(keyId))
            {
                throw new ArgumentException("Signing key ids must not be empty.", nameof(signingPublicKeys));
            }

            if (publicKey is null || publicKey.Length != PqcSizes.MlDsa65PublicKey)
            {
                throw new ArgumentException(
                    $"The signing public key for key id '{keyId}' must be {PqcSizes.MlDsa65PublicKey} bytes (ML-DSA-65).",
                    nameof(signingPublicKeys));
            }

            pinned[keyId] = (byte[])publicKey.Clone();
        }

        if (pinned.Count == 0)
        {
            throw new ArgumentException("At least one signing public key must be pinned.", nameof(signingPublicKeys));
        }

        _keys = new EnvelopeOpenKeys(pinned, hmacKey.ToArray(), recipientKey.KeyPair, expectedTenantId);
    }

    /// <summary>The tenant every envelope must belong to, when pinned.</summary>
    public string? ExpectedTenantId => _keys.ExpectedTenantId;

    /// <summary>
    /// The oldest proxy answer accepted, by its signed <c>issued_at</c> (default 5 minutes): an older one is a replay or
    /// was held back. Used by <see cref="Expectations"/>.
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The tolerated difference between the server's clock and this client's, both ways (default 2 minutes).</summary>
    public TimeSpan ClockSkew { get; init; } = EnvelopeExpectations.DefaultClockSkew;

    /// <summary>This client's clock (default <see cref="System.TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The checks for an answer to the request whose hash is <paramref name="requestSha256"/> (null: the request hash is
    /// not checked): a v2 envelope, that request hash, and <c>issued_at</c> within <see cref="MaxAge"/> and <see cref="ClockSkew"/>.
    /// </summary>
    public EnvelopeExpectations Expectations(string? requestSha256) => new()
    {
        RequestSha256 = requestSha256,
        MaxAge = MaxAge,
        ClockSkew = ClockSkew,
        TimeProvider = TimeProvider,
        RequireVersion2 = true,
    };

    /// <summary>
    /// Verifies both signatures and the <paramref name="expectations"/> without decrypting, and returns what the
    /// signatures vouch for: the only copy of <c>error</c>, <c>paging</c> and <c>rate_limit</c> to act on.
    /// </summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected; see <see cref="EnvelopeVerificationException.Reason"/>.</exception>
    public VerifiedEnvelope Verify(HybridEnvelope envelope, EnvelopeExpectations? expectations = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(envelope);
        return HybridEnvelopeOpener.Verify(envelope, _keys, expectations);
    }

    /// <summary>Verifies both signatures and the <paramref name="expectations"/>, then decrypts. The caller owns the plaintext.</summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected; see <see cref="EnvelopeVerificationException.Reason"/>.</exception>
    public OpenedEnvelope Open(HybridEnvelope envelope, EnvelopeExpectations? expectations = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(envelope);
        return HybridEnvelopeOpener.OpenVerified(envelope, _keys, expectations);
    }

    /// <summary>
    /// Creates an opener from the base64 forms the API hands out: one signing key (<c>signing_key.key_id</c> and
    /// <c>signing_key.public_key</c>) and the <c>hmac_key</c>.
    /// </summary>
    /// <exception cref="FormatException">A key is not standard base64.</exception>
    /// <exception cref="ArgumentException">A key has the wrong length.</exception>
    public static Encryption FromBase64(
        string signingKeyId,
        string signingPublicKeyBase64,
        string hmacKeyBase64,
        RecipientKey recipientKey,
        string? expectedTenantId = null)
    {
        ArgumentNullException.ThrowIfNull(signingPublicKeyBase64);
        ArgumentNullException.ThrowIfNull(hmacKeyBase64);
        var publicKey = StrictBase64.TryDecode(signingPublicKeyBase64.Trim(), out var pk)
            ? pk
            : throw new FormatException("The signing public key is not standard base64.");
        var hmacKey = StrictBase64.TryDecode(hmacKeyBase64.Trim(), out var hk)
            ? hk
            : throw new FormatException("The HMAC key is not standard base64.");
        try
        {
            return new Encryption(new Dictionary<string, byte[]> { [signingKeyId] = publicKey }, hmacKey, recipientKey, expectedTenantId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    /// <summary>Verifies both signatures, then decrypts. The caller owns (and may wipe) the returned bytes.</summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected; see <see cref="EnvelopeVerificationException.Reason"/>.</exception>
    public byte[] Decrypt(HybridEnvelope envelope)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(envelope);
        return HybridEnvelopeOpener.Open(envelope, _keys);
    }

    /// <summary>Parses envelope JSON (the proxy response body), verifies both signatures, then decrypts.</summary>
    /// <exception cref="EnvelopeVerificationException">The text is not an envelope (<see cref="EnvelopeRejectionReason.Malformed"/>) or the envelope was rejected.</exception>
    public byte[] Decrypt(string envelopeJson) => Decrypt(Parse(envelopeJson));

    /// <summary>Verifies, decrypts and decodes the payload as UTF-8 text.</summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected.</exception>
    /// <exception cref="FormatException">The authenticated payload is not valid UTF-8.</exception>
    public string DecryptString(HybridEnvelope envelope)
    {
        var plaintext = Decrypt(envelope);
        try
        {
            return StrictUtf8Decoder.GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("The envelope payload is not valid UTF-8.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <inheritdoc cref="DecryptString(HybridEnvelope)"/>
    public string DecryptString(string envelopeJson) => DecryptString(Parse(envelopeJson));

    /// <summary>
    /// Verifies, decrypts and deserialises the JSON payload (by default with <see cref="JsonSerializerDefaults.Web"/>).
    /// </summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected.</exception>
    /// <exception cref="JsonException">The authenticated payload is not JSON of <typeparamref name="T"/> (the message does not quote the payload).</exception>
    public T? DecryptJson<T>(HybridEnvelope envelope, JsonSerializerOptions? options = null) =>
        DeserializePayload(envelope, plaintext => JsonSerializer.Deserialize<T>(plaintext, options ?? DefaultJsonOptions));

    /// <inheritdoc cref="DecryptJson{T}(HybridEnvelope, JsonSerializerOptions?)"/>
    public T? DecryptJson<T>(string envelopeJson, JsonSerializerOptions? options = null) => DecryptJson<T>(Parse(envelopeJson), options);

    /// <summary>Verifies, decrypts and deserialises the JSON payload with source-generated metadata.</summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected.</exception>
    /// <exception cref="JsonException">The authenticated payload is not JSON of <typeparamref name="T"/>.</exception>
    public T? DecryptJson<T>(HybridEnvelope envelope, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return DeserializePayload(envelope, plaintext => JsonSerializer.Deserialize(plaintext, typeInfo));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_keys.HmacKey);
    }

    private static HybridEnvelope Parse(string envelopeJson)
    {
        ArgumentNullException.ThrowIfNull(envelopeJson);
        try
        {
            return HybridEnvelope.FromJson(envelopeJson);
        }
        catch (EnvelopeFormatException ex)
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.Malformed, ex.Message, ex);
        }
    }

    private T? DeserializePayload<T>(HybridEnvelope envelope, Func<byte[], T?> deserialize)
    {
        var plaintext = Decrypt(envelope);
        try
        {
            return deserialize(plaintext);
        }
        catch (JsonException ex)
        {
            // STJ messages can quote payload characters; keep only the location.
            throw new JsonException(
                $"The envelope payload is not valid JSON for {typeof(T).Name} (path '{ex.Path}', line {ex.LineNumber}, byte {ex.BytePositionInLine}).",
                ex.Path,
                ex.LineNumber,
                ex.BytePositionInLine);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
