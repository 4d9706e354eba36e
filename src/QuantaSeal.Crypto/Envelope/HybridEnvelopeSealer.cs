using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using QuantaSeal.Crypto.Aead;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// Seals a payload into a HybridCryptoEnvelope exactly as DESIGN §4 specifies: v2 (docs/envelope-v2.md) when the input
/// carries a <see cref="EnvelopeSealInput.Binding"/>, v1 (docs/envelope-v1.md) otherwise.
/// </summary>
public static class HybridEnvelopeSealer
{
    /// <summary>
    /// Encapsulates to the recipient key, derives the AES-256-GCM key with HKDF-SHA-256, encrypts the
    /// payload bound to tenant and audit event, then signs the signed bytes with ML-DSA-65 (hedged, context
    /// <see cref="EnvelopeConstants.SignatureContext"/>) and HMAC-SHA-512.
    /// </summary>
    /// <param name="input">What to seal and for whom.</param>
    /// <param name="signingKey">The tenant's ML-DSA-65 signing key.</param>
    /// <param name="signingKeyId">The id published with its public key (<c>signature.key_id</c>).</param>
    /// <param name="hmacKey">The tenant's 64-byte HMAC-SHA-512 key.</param>
    /// <exception cref="ArgumentException">An identifier, the recipient key or the HMAC key is invalid.</exception>
    public static HybridEnvelope Seal(EnvelopeSealInput input, MlDsa65KeyPair signingKey, string signingKeyId, ReadOnlySpan<byte> hmacKey) =>
        Seal(input, signingKey, signingKeyId, hmacKey, EnvelopeSealRandomness.System);

    internal static HybridEnvelope Seal(
        EnvelopeSealInput input,
        MlDsa65KeyPair signingKey,
        string signingKeyId,
        ReadOnlySpan<byte> hmacKey,
        EnvelopeSealRandomness randomness)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(randomness);
        ArgumentNullException.ThrowIfNull(input.RecipientPublicKey);

        var tenantId = EnvelopeIdentifier.EncodeOrThrow(input.TenantId, "TenantId");
        var recipientKeyId = EnvelopeIdentifier.EncodeOrThrow(input.RecipientKeyId, "RecipientKeyId");
        var auditEventId = EnvelopeIdentifier.EncodeOrThrow(input.AuditEventId, "AuditEventId");
        _ = EnvelopeIdentifier.EncodeOrThrow(signingKeyId, nameof(signingKeyId));
        if (hmacKey.Length != PqcSizes.HmacKey)
        {
            throw new ArgumentException($"The HMAC key must be {PqcSizes.HmacKey} bytes.", nameof(hmacKey));
        }

        var v2 = input.Binding is { } binding ? V2Fields(input, binding) : null;
        if (v2 is null && (input.NextCursor is not null || input.RateLimit is not null))
        {
            throw new ArgumentException("Paging and rate-limit extras are signed only by a v2 envelope: give a Binding.", nameof(input));
        }

        var (ciphertextKem, sharedSecret) = randomness.Encapsulate(input.RecipientPublicKey);
        Span<byte> key = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            KemAead.DeriveKey(sharedSecret, EnvelopeConstants.KeyDerivationInfoUtf8, key);
            var nonce = randomness.CreateNonce();
            var aad = EnvelopeIdentifier.BuildAad(tenantId, auditEventId);
            var ciphertextData = KemAead.Encrypt(key, nonce, input.Plaintext.Span, aad);

            var m = EnvelopeSignedBytes.Build(
                tenantId,
                recipientKeyId,
                EnvelopeConstants.KemAlgorithmUtf8,
                ciphertextKem,
                nonce,
                ciphertextData,
                auditEventId,
                input.Success,
                v2?.Fields);
            var context = v2 is null ? EnvelopeConstants.SignatureContext : EnvelopeConstants.SignatureContextV2;
            var pqcSignature = signingKey.Sign(m, context, randomness.DeterministicSignature);
            var hmacSignature = HMACSHA512.HashData(hmacKey, m);

            return new HybridEnvelope
            {
                Version = v2 is null ? null : EnvelopeConstants.Version2,
                Success = input.Success,
                Encrypted = new EnvelopeEncrypted
                {
                    CiphertextKem = StrictBase64.Encode(ciphertextKem),
                    CiphertextData = StrictBase64.Encode(ciphertextData),
                    Nonce = StrictBase64.Encode(nonce),
                    TenantId = input.TenantId,
                    Algorithm = EnvelopeConstants.KemAlgorithm,
                    RecipientKeyId = input.RecipientKeyId,
                },
                Signature = new EnvelopeSignature
                {
                    PqcSignature = StrictBase64.Encode(pqcSignature),
                    HmacSignature = StrictBase64.Encode(hmacSignature),
                    TenantId = input.TenantId,
                    Algorithm = EnvelopeConstants.SignatureAlgorithm,
                    KeyId = signingKeyId,
                },
                AuditEventId = input.AuditEventId,
                RequestSha256 = v2?.RequestSha256,
                IssuedAt = v2?.IssuedAt,
                Error = input.Error,
                Paging = v2?.Paging,
                RateLimit = v2?.RateLimit,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static SealV2 V2Fields(EnvelopeSealInput input, EnvelopeBinding binding)
    {
        if (!EnvelopeRequestHash.IsWellFormed(binding.RequestSha256))
        {
            throw new ArgumentException($"The request hash must be empty or at most {EnvelopeRequestHash.MaxLength} printable ASCII characters.", nameof(input));
        }

        var issuedAt = binding.IssuedAt.UtcDateTime.ToString(EnvelopeConstants.IssuedAtFormat, CultureInfo.InvariantCulture);
        JsonElement? paging = input.NextCursor is null
            ? null
            : JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["next_cursor"] = input.NextCursor }, EnvelopeJsonContext.Strict.DictionaryStringString);
        JsonElement? rateLimit = input.RateLimit is null
            ? null
            : JsonSerializer.SerializeToElement(new Dictionary<string, string>(input.RateLimit, StringComparer.Ordinal), EnvelopeJsonContext.Strict.DictionaryStringString);
        var extras = EnvelopeExtras.TryCanonicalize(input.Error, paging, rateLimit)
            ?? throw new ArgumentException("The error, paging or rate-limit values cannot be signed (a lone surrogate?).", nameof(input));
        var fields = new EnvelopeV2Fields(
            StrictUtf8.GetBytes(binding.RequestSha256, nameof(input)),
            System.Text.Encoding.ASCII.GetBytes(issuedAt),
            extras);
        return new SealV2(fields, binding.RequestSha256, issuedAt, paging, rateLimit);
    }

    private sealed record SealV2(EnvelopeV2Fields Fields, string RequestSha256, string IssuedAt, JsonElement? Paging, JsonElement? RateLimit);
}
