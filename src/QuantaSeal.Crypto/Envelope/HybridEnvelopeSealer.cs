using System.Security.Cryptography;
using QuantaSeal.Crypto.Aead;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>Seals a payload into a HybridCryptoEnvelope v1 exactly as DESIGN §4 specifies.</summary>
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
                input.Success);
            var pqcSignature = signingKey.Sign(m, EnvelopeConstants.SignatureContext, randomness.DeterministicSignature);
            var hmacSignature = HMACSHA512.HashData(hmacKey, m);

            return new HybridEnvelope
            {
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
                Error = input.Error,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
