using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// Verifies and opens a HybridCryptoEnvelope v1 or v2 (DESIGN §4, docs/envelope-v1.md, docs/envelope-v2.md).
/// Fail-closed and in a fixed order:
/// <list type="number">
/// <item>format: <c>version</c> absent (v1) or 2, algorithm strings exact, identifiers valid, base64 strict, binary
/// lengths exact; in v2 <c>request_sha256</c>, <c>issued_at</c> and the extras in their exact forms;</item>
/// <item>tenant: <c>encrypted.tenant_id</c> = <c>signature.tenant_id</c> (= expected tenant, when pinned);</item>
/// <item>key: <c>signature.key_id</c> must name a pinned signing key;</item>
/// <item>signatures: ML-DSA-65 (context by version) and HMAC-SHA-512 over the signed bytes of that version, both
/// always computed and combined with a non-short-circuit <c>&amp;</c>;</item>
/// <item>binding (<see cref="EnvelopeExpectations"/>): v2 required when any is set, request hash equal, issued_at in the window;</item>
/// <item>only then decapsulate, derive and decrypt; a GCM tag failure is a rejection.</item>
/// </list>
/// The version cannot be downgraded: v1 and v2 differ in the tag that starts the signed bytes and in the ML-DSA
/// context, so a v2 envelope stripped of its <c>version</c> no longer verifies.
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

    /// <summary>
    /// Verifies both signatures and the <paramref name="expectations"/>, then decrypts; returns the payload with what
    /// the signatures vouch for (request hash, time of issue, extras).
    /// </summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected.</exception>
    /// <exception cref="ArgumentException">The keys themselves are unusable.</exception>
    public static OpenedEnvelope OpenVerified(HybridEnvelope envelope, EnvelopeOpenKeys keys, EnvelopeExpectations? expectations = null)
    {
        var (verified, decoded) = VerifyCore(envelope, keys, expectations);
        return new OpenedEnvelope(verified, EnvelopePayloadDecryptor.Instance.Decrypt(keys.RecipientKey, decoded));
    }

    /// <summary>
    /// Verifies both signatures and the <paramref name="expectations"/> without decrypting, and returns what the
    /// signatures vouch for: the only copy of <c>error</c>, <c>paging</c> and <c>rate_limit</c> a client should use.
    /// </summary>
    /// <exception cref="EnvelopeVerificationException">The envelope was rejected.</exception>
    /// <exception cref="ArgumentException">The keys themselves are unusable.</exception>
    public static VerifiedEnvelope Verify(HybridEnvelope envelope, EnvelopeOpenKeys keys, EnvelopeExpectations? expectations = null) =>
        VerifyCore(envelope, keys, expectations).Verified;

    internal static byte[] Open(HybridEnvelope envelope, EnvelopeOpenKeys keys, IEnvelopePayloadDecryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(decryptor);
        var (_, decoded) = VerifyCore(envelope, keys, expectations: null);
        return decryptor.Decrypt(keys.RecipientKey, decoded);
    }

    private static (VerifiedEnvelope Verified, DecodedEnvelope Decoded) VerifyCore(HybridEnvelope envelope, EnvelopeOpenKeys keys, EnvelopeExpectations? expectations)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(keys);
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
        var pqcValid = MlDsa65KeyPair.Verify(signingPublicKey, m, decoded.SignatureContext, decoded.PqcSignature);
        var hmacValid = VerifyHmac(keys.HmacKey, m, decoded.HmacSignature);

        // Non-short-circuit on purpose (DESIGN §4): both checks always run, so timing does not reveal which failed.
        if (!(pqcValid & hmacValid))
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.SignatureInvalid);
        }

        var verified = Authenticated(envelope, decoded);
        if (expectations is not null)
        {
            CheckExpectations(verified, expectations);
        }

        return (verified, decoded);
    }

    /// <summary>The binding checks, after the signatures and before any decryption: nothing of a mismatched answer is opened.</summary>
    private static void CheckExpectations(VerifiedEnvelope verified, EnvelopeExpectations expectations)
    {
        if (!expectations.NeedsBinding)
        {
            return;
        }

        if (verified.Version < EnvelopeConstants.Version2)
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.BindingMissing);
        }

        if (expectations.RequestSha256 is { } expected && !string.Equals(expected, verified.RequestSha256, StringComparison.Ordinal))
        {
            throw new EnvelopeVerificationException(EnvelopeRejectionReason.RequestMismatch);
        }

        if (expectations.MaxAge is { } maxAge)
        {
            var now = (expectations.TimeProvider ?? TimeProvider.System).GetUtcNow();
            var issuedAt = verified.IssuedAt!.Value;
            if (issuedAt > now + expectations.ClockSkew || issuedAt < now - maxAge - expectations.ClockSkew)
            {
                throw new EnvelopeVerificationException(EnvelopeRejectionReason.OutsideTimeWindow);
            }
        }
    }

    /// <summary>What the signatures vouch for. v1 extras were never signed, so they are not handed out.</summary>
    private static VerifiedEnvelope Authenticated(HybridEnvelope envelope, DecodedEnvelope decoded)
    {
        var isV2 = decoded.V2 is not null;
        return new VerifiedEnvelope
        {
            Version = decoded.Version,
            Success = envelope.Success,
            TenantId = envelope.Encrypted.TenantId,
            RecipientKeyId = envelope.Encrypted.RecipientKeyId,
            AuditEventId = envelope.AuditEventId,
            RequestSha256 = isV2 ? envelope.RequestSha256 : null,
            IssuedAt = isV2 ? ParseIssuedAt(envelope.IssuedAt) : null,
            Error = isV2 ? envelope.Error : null,
            Paging = isV2 && envelope.Paging is { ValueKind: not JsonValueKind.Null } paging ? paging.Clone() : null,
            NextCursor = isV2 && envelope.Paging is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("next_cursor", out var cursor) && cursor.ValueKind == JsonValueKind.String
                ? cursor.GetString()
                : null,
            RateLimit = isV2 && envelope.RateLimit is { ValueKind: not JsonValueKind.Null } rateLimit ? rateLimit.Clone() : null,
        };
    }

    private static DateTimeOffset? ParseIssuedAt(string? issuedAt) =>
        DateTimeOffset.TryParseExact(issuedAt, EnvelopeConstants.IssuedAtFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

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
        var v2 = envelope.Version switch
        {
            null => null,
            EnvelopeConstants.Version2 => DecodeV2(envelope),
            _ => throw Malformed("version"),
        };

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
            V2 = v2,
        };
    }

    private static EnvelopeV2Fields DecodeV2(HybridEnvelope envelope)
    {
        if (!EnvelopeRequestHash.IsWellFormed(envelope.RequestSha256))
        {
            throw Malformed("request_sha256");
        }

        // Exactly the form the sealer writes (24 ASCII characters), so the signed text has one spelling per instant.
        if (envelope.IssuedAt is not { Length: 24 } issuedAt || ParseIssuedAt(issuedAt) is not { } parsed
            || !string.Equals(parsed.UtcDateTime.ToString(EnvelopeConstants.IssuedAtFormat, CultureInfo.InvariantCulture), issuedAt, StringComparison.Ordinal))
        {
            throw Malformed("issued_at");
        }

        var extras = EnvelopeExtras.TryCanonicalize(envelope.Error, envelope.Paging, envelope.RateLimit) ?? throw Malformed("error/paging/rate_limit");
        return new EnvelopeV2Fields(
            System.Text.Encoding.ASCII.GetBytes(envelope.RequestSha256!),
            System.Text.Encoding.ASCII.GetBytes(issuedAt),
            extras);
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
