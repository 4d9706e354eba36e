using System.Security.Cryptography;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// Verifies and opens a HybridCryptoEnvelope v1 (DESIGN §4). Fail-closed and in a fixed order:
/// <list type="number">
/// <item>format: algorithm strings exact, identifiers valid, base64 strict, binary lengths exact;</item>
/// <item>tenant: <c>encrypted.tenant_id</c> = <c>signature.tenant_id</c> (= expected tenant, when pinned);</item>
/// <item>key: <c>signature.key_id</c> must name a pinned signing key;</item>
/// <item>signatures: ML-DSA-65 and HMAC-SHA-512 over the signed bytes, both always computed and combined
/// with a non-short-circuit <c>&amp;</c>;</item>
/// <item>only then decapsulate, derive and decrypt; a GCM tag failure is a rejection.</item>
/// </list>
/// Every failure is an <see cref="EnvelopeVerificationException"/>; plaintext is returned only when every
/// step passed.
/// </summary>
public static class HybridEnvelopeOpener
{
    /// <summary>Verifies both signatures, then decrypts and returns the payload.</summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected.</exception>
    /// <exception cref="ArgumentException">The keys themselves are unusable (HMAC key or a signing public key of the wrong length).</exception>
    public static byte[] Open(HybridEnvelope envelope, EnvelopeOpenKeys keys) =>
        Open(envelope, keys, EnvelopePayloadDecryptor.Instance);

    internal static byte[] Open(HybridEnvelope envelope, EnvelopeOpenKeys keys, IEnvelopePayloadDecryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(decryptor);
        ValidateKeys(keys);

        var decoded = Decode(envelope);

        if (!string.Equals(envelope.Encrypted.TenantId, envelope.Signature.TenantId, StringComparison.Ordinal)
            || (keys.ExpectedTenantId is not null
                && !string.Equals(envelope.Encrypted.TenantId, keys.ExpectedTenantId, StringComparison.Ordinal)))
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.TenantMismatch);
        }

        var signingPublicKey = FindSigningKey(keys.SigningPublicKeys, decoded.KeyId)
            ?? throw new EnvelopeVerificationException(EnvelopeRejectionReason.UnknownKeyId);

        var m = decoded.BuildSignedBytes();
        var pqcValid = MlDsa65KeyPair.Verify(signingPublicKey, m, EnvelopeConstants.SignatureContext, decoded.PqcSignature);
        var hmacValid = VerifyHmac(keys.HmacKey, m, decoded.HmacSignature);

        // Non-short-circuit on purpose (DESIGN §4): both checks always run, so timing does not reveal which failed.
        if (!(pqcValid & hmacValid))
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.SignatureInvalid);
        }

        return decryptor.Decrypt(keys.RecipientKey, decoded);
    }

    internal static DecodedEnvelope Decode(HybridEnvelope envelope)
    {
        // Null checks cover objects built in code and JSON read with other options; FromJson already refuses nulls.
        var encrypted = envelope.Encrypted ?? throw Malformed("encrypted");
        var signature = envelope.Signature ?? throw Malformed("signature");

        if (!string.Equals(encrypted.Algorithm, EnvelopeConstants.KemAlgorithm, StringComparison.Ordinal))
        {
            throw Malformed("encrypted.algorithm");
        }

        if (!string.Equals(signature.Algorithm, EnvelopeConstants.SignatureAlgorithm, StringComparison.Ordinal))
        {
            throw Malformed("signature.algorithm");
        }

        var tenantId = Identifier(encrypted.TenantId, "encrypted.tenant_id");
        _ = Identifier(signature.TenantId, "signature.tenant_id");
        var recipientKeyId = Identifier(encrypted.RecipientKeyId, "encrypted.recipient_key_id");
        var auditEventId = Identifier(envelope.AuditEventId, "audit_event_id");
        _ = Identifier(signature.KeyId, "signature.key_id");

        var ciphertextKem = Binary(encrypted.CiphertextKem, "encrypted.ciphertext_kem", PqcSizes.MlKem768Ciphertext);
        var nonce = Binary(encrypted.Nonce, "encrypted.nonce", PqcSizes.AesGcmNonce);
        var ciphertextData = Binary(encrypted.CiphertextData, "encrypted.ciphertext_data", expectedLength: null);
        if (ciphertextData.Length < PqcSizes.AesGcmTag)
        {
            throw Malformed("encrypted.ciphertext_data");
        }

        var pqcSignature = Binary(signature.PqcSignature, "signature.pqc_signature", PqcSizes.MlDsa65Signature);
        var hmacSignature = Binary(signature.HmacSignature, "signature.hmac_signature", PqcSizes.HmacSha512);

        return new DecodedEnvelope
        {
            TenantIdUtf8 = tenantId,
            RecipientKeyIdUtf8 = recipientKeyId,
            AuditEventIdUtf8 = auditEventId,
            KeyId = signature.KeyId,
            Success = envelope.Success,
            CiphertextKem = ciphertextKem,
            Nonce = nonce,
            CiphertextData = ciphertextData,
            PqcSignature = pqcSignature,
            HmacSignature = hmacSignature,
        };
    }

    private static void ValidateKeys(EnvelopeOpenKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys.SigningPublicKeys);
        ArgumentNullException.ThrowIfNull(keys.HmacKey);
        ArgumentNullException.ThrowIfNull(keys.RecipientKey);
        if (keys.HmacKey.Length != PqcSizes.HmacKey)
        {
            throw new ArgumentException($"The HMAC key must be {PqcSizes.HmacKey} bytes.", nameof(keys));
        }

        foreach (var (keyId, publicKey) in keys.SigningPublicKeys)
        {
            if (publicKey is null || publicKey.Length != PqcSizes.MlDsa65PublicKey)
            {
                throw new ArgumentException(
                    $"The signing public key pinned for key id '{keyId}' must be {PqcSizes.MlDsa65PublicKey} bytes (ML-DSA-65).",
                    nameof(keys));
            }
        }
    }

    // Exact ordinal match regardless of the comparer the caller's dictionary uses: an unknown key id fails closed.
    private static byte[]? FindSigningKey(IReadOnlyDictionary<string, byte[]> signingPublicKeys, string keyId)
    {
        foreach (var (candidateId, publicKey) in signingPublicKeys)
        {
            if (string.Equals(candidateId, keyId, StringComparison.Ordinal))
            {
                return publicKey;
            }
        }

        return null;
    }

    private static bool VerifyHmac(byte[] hmacKey, byte[] m, byte[] expected)
    {
        Span<byte> actual = stackalloc byte[PqcSizes.HmacSha512];
        HMACSHA512.HashData(hmacKey, m, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Identifier(string? value, string field) =>
        EnvelopeIdentifier.TryEncode(value, out var utf8) ? utf8 : throw Malformed(field);

    private static byte[] Binary(string? value, string field, int? expectedLength)
    {
        if (!StrictBase64.TryDecode(value, out var bytes) || (expectedLength is { } length && bytes.Length != length))
        {
            throw Malformed(field);
        }

        return bytes;
    }

    private static EnvelopeVerificationException Malformed(string field) =>
        new(EnvelopeRejectionReason.Malformed, $"Envelope rejected: malformed field '{field}'.");
}
