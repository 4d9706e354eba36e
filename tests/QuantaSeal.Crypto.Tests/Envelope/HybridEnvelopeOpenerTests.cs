using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Envelope;

public sealed class HybridEnvelopeOpenerTests
{
    private static readonly HybridEnvelope Sealed = TestKeys.Seal();

    [Fact]
    public void Open_ReturnsPlaintext_WhenEnvelopeIsIntact()
    {
        var plaintext = HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys());

        Assert.Equal(TestKeys.Plaintext, plaintext);
    }

    [Fact]
    public void Open_ReturnsPlaintext_AfterJsonRoundTrip()
    {
        var parsed = HybridEnvelope.FromJson(Sealed.ToJson());

        Assert.Equal(TestKeys.Plaintext, HybridEnvelopeOpener.Open(parsed, TestKeys.OpenKeys()));
    }

    [Fact]
    public void Open_ReturnsEmptyPlaintext_WhenSealedEmpty()
    {
        var envelope = TestKeys.Seal(plaintext: []);

        Assert.Empty(HybridEnvelopeOpener.Open(envelope, TestKeys.OpenKeys()));
    }

    [Fact]
    public void Open_ReturnsPlaintext_ForUnsuccessfulCallWithError()
    {
        var error = new EnvelopeError("upstream_error", "Upstream returned 404.", 404);
        var envelope = HybridEnvelopeSealer.Seal(TestKeys.Input(success: false, error: error), TestKeys.Signing, TestKeys.SigningKeyId, TestKeys.Hmac);

        Assert.Equal(TestKeys.Plaintext, HybridEnvelopeOpener.Open(envelope, TestKeys.OpenKeys()));
        Assert.False(envelope.Success);
        Assert.Equal(error, HybridEnvelope.FromJson(envelope.ToJson()).Error);
    }

    [Fact]
    public void Open_Accepts_WhenExpectedTenantMatches()
    {
        var plaintext = HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys(expectedTenantId: TestKeys.TenantId));

        Assert.Equal(TestKeys.Plaintext, plaintext);
    }

    [Fact]
    public void Open_SelectsSigningKeyByKeyId_AmongSeveralPinnedKeys()
    {
        var keys = TestKeys.OpenKeys(signingKeys: new Dictionary<string, byte[]>
        {
            ["sk_retired"] = TestKeys.OtherSigning.PublicKey,
            [TestKeys.SigningKeyId] = TestKeys.Signing.PublicKey,
        });

        Assert.Equal(TestKeys.Plaintext, HybridEnvelopeOpener.Open(Sealed, keys));
    }

    [Fact]
    public void Open_Rejects_WhenTenantIdTampered()
    {
        var tampered = Tamper.TenantEverywhere(Sealed, "ten_01JOTHER000000000000000001");

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenEncryptedTenantIdDiffersFromSignatureTenantId()
    {
        var tampered = Tamper.Encrypted(Sealed, e => e with { TenantId = "ten_01JOTHER000000000000000001" });

        AssertRejected(tampered, EnvelopeRejectionReason.TenantMismatch);
    }

    [Fact]
    public void Open_Rejects_WhenSignatureTenantIdDiffersFromEncryptedTenantId()
    {
        var tampered = Tamper.Signature(Sealed, s => s with { TenantId = "ten_01JOTHER000000000000000001" });

        AssertRejected(tampered, EnvelopeRejectionReason.TenantMismatch);
    }

    [Fact]
    public void Open_Rejects_WhenTenantIsNotTheExpectedTenant()
    {
        AssertRejected(Sealed, EnvelopeRejectionReason.TenantMismatch, TestKeys.OpenKeys(expectedTenantId: "ten_someone_else"));
    }

    [Fact]
    public void Open_Rejects_WhenRecipientKeyIdTampered()
    {
        var tampered = Tamper.Encrypted(Sealed, e => e with { RecipientKeyId = "rk_01JOTHER00000000000000001" });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Theory]
    [InlineData("ML-KEM-1024")]
    [InlineData("ml-kem-768")]
    [InlineData("ML-KEM-768 ")]
    [InlineData("")]
    public void Open_Rejects_WhenKemAlgorithmTampered(string algorithm)
    {
        var tampered = Tamper.Encrypted(Sealed, e => e with { Algorithm = algorithm });

        AssertRejected(tampered, EnvelopeRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("ML-DSA-65")]
    [InlineData("HMAC-SHA-512")]
    [InlineData("ML-DSA-87+HMAC-SHA-512")]
    public void Open_Rejects_WhenSignatureAlgorithmTampered(string algorithm)
    {
        var tampered = Tamper.Signature(Sealed, s => s with { Algorithm = algorithm });

        AssertRejected(tampered, EnvelopeRejectionReason.Malformed);
    }

    [Fact]
    public void Open_Rejects_WhenCiphertextKemTampered()
    {
        var tampered = Tamper.Encrypted(Sealed, e => e with { CiphertextKem = Tamper.FlipBit(e.CiphertextKem, 1000) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenNonceTampered()
    {
        var tampered = Tamper.Encrypted(Sealed, e => e with { Nonce = Tamper.FlipBit(e.Nonce, 7) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenCiphertextDataTampered()
    {
        var tampered = Tamper.Encrypted(Sealed, e => e with { CiphertextData = Tamper.FlipBit(e.CiphertextData, 3) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenGcmTagTampered()
    {
        var dataBits = StrictBase64.Decode(Sealed.Encrypted.CiphertextData).Length * 8;
        var tampered = Tamper.Encrypted(Sealed, e => e with { CiphertextData = Tamper.FlipBit(e.CiphertextData, dataBits - 1) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenAuditEventIdTampered()
    {
        var tampered = Sealed with { AuditEventId = "aud_01JOTHER0000000000000000001" };

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenSuccessFlagTampered()
    {
        var tampered = Sealed with { Success = !Sealed.Success };

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenPqcSignatureTampered()
    {
        var tampered = Tamper.Signature(Sealed, s => s with { PqcSignature = Tamper.FlipBit(s.PqcSignature, 12345) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenHmacTampered()
    {
        var tampered = Tamper.Signature(Sealed, s => s with { HmacSignature = Tamper.FlipBit(s.HmacSignature, 100) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenOnlyHmacIsValid()
    {
        // The HMAC of the original envelope stays valid; a PQC signature from another key must still fail the whole check.
        var forged = HybridEnvelopeSealer.Seal(TestKeys.Input(), TestKeys.OtherSigning, TestKeys.SigningKeyId, TestKeys.Hmac);

        AssertRejected(forged, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenOnlyPqcSignatureIsValid()
    {
        var forged = HybridEnvelopeSealer.Seal(TestKeys.Input(), TestKeys.Signing, TestKeys.SigningKeyId, TestKeys.OtherHmac);

        AssertRejected(forged, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Rejects_WhenKeyIdUnknown()
    {
        var tampered = Tamper.Signature(Sealed, s => s with { KeyId = "sk_01JUNKNOWN0000000000000001" });

        AssertRejected(tampered, EnvelopeRejectionReason.UnknownKeyId);
    }

    [Fact]
    public void Open_Rejects_WhenKeyIdDiffersOnlyInCase()
    {
        var tampered = Tamper.Signature(Sealed, s => s with { KeyId = s.KeyId.ToUpperInvariant() });
        var caseInsensitive = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase) { [TestKeys.SigningKeyId] = TestKeys.Signing.PublicKey };

        AssertRejected(tampered, EnvelopeRejectionReason.UnknownKeyId, TestKeys.OpenKeys(signingKeys: caseInsensitive));
    }

    [Fact]
    public void Open_Rejects_WhenKeyIdPointsToAnotherPinnedKey()
    {
        var keys = TestKeys.OpenKeys(signingKeys: new Dictionary<string, byte[]>
        {
            [TestKeys.SigningKeyId] = TestKeys.Signing.PublicKey,
            ["sk_other"] = TestKeys.OtherSigning.PublicKey,
        });
        var tampered = Tamper.Signature(Sealed, s => s with { KeyId = "sk_other" });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid, keys);
    }

    [Fact]
    public void Open_Rejects_WhenRecipientKeyIsWrong()
    {
        AssertRejected(Sealed, EnvelopeRejectionReason.DecryptionFailed, TestKeys.OpenKeys(recipient: TestKeys.OtherRecipient), expectDecryptAttempt: true);
    }

    [Fact]
    public void Open_Rejects_WhenHmacKeyIsWrong()
    {
        AssertRejected(Sealed, EnvelopeRejectionReason.SignatureInvalid, TestKeys.OpenKeys(hmac: TestKeys.OtherHmac));
    }

    [Fact]
    public void Open_Rejects_WhenSigningKeyIsWrong()
    {
        var keys = TestKeys.OpenKeys(signingKeys: new Dictionary<string, byte[]> { [TestKeys.SigningKeyId] = TestKeys.OtherSigning.PublicKey });

        AssertRejected(Sealed, EnvelopeRejectionReason.SignatureInvalid, keys);
    }

    [Fact]
    public void Open_Rejects_WhenSignedWithAnotherContext()
    {
        var genuine = TestKeys.Seal();
        var m = HybridEnvelopeOpener.Decode(genuine).BuildSignedBytes();
        var wrongContextSignature = TestKeys.Signing.Sign(m, "QuantaSeal/v1/audit-checkpoint");
        var tampered = Tamper.Signature(genuine, s => s with { PqcSignature = StrictBase64.Encode(wrongContextSignature) });

        AssertRejected(tampered, EnvelopeRejectionReason.SignatureInvalid);
    }

    [Fact]
    public void Open_Accepts_WhenResignedWithTheEnvelopeContext()
    {
        // Control for the test above: re-signing the same bytes with the right context is accepted.
        var genuine = TestKeys.Seal();
        var m = HybridEnvelopeOpener.Decode(genuine).BuildSignedBytes();
        var resigned = Tamper.Signature(genuine, s => s with { PqcSignature = StrictBase64.Encode(TestKeys.Signing.Sign(m, EnvelopeConstants.SignatureContext)) });

        Assert.Equal(TestKeys.Plaintext, HybridEnvelopeOpener.Open(resigned, TestKeys.OpenKeys()));
    }

    [Fact]
    public void Open_Rejects_WhenRecipientKeyWrongAndSignaturesValid_WithoutPlaintext()
    {
        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys(recipient: TestKeys.OtherRecipient)));

        Assert.Equal(EnvelopeRejectionReason.DecryptionFailed, ex.Reason);
    }

    [Theory]
    [InlineData("ciphertext_kem")]
    [InlineData("nonce")]
    [InlineData("ciphertext_data")]
    [InlineData("pqc_signature")]
    [InlineData("hmac_signature")]
    public void Open_Rejects_WhenBinaryFieldIsNotStrictBase64(string field)
    {
        static string Loosen(string b64) => b64[..4] + "\n" + b64[4..];
        var tampered = field switch
        {
            "ciphertext_kem" => Tamper.Encrypted(Sealed, e => e with { CiphertextKem = Loosen(e.CiphertextKem) }),
            "nonce" => Tamper.Encrypted(Sealed, e => e with { Nonce = "-" + e.Nonce[1..] }),
            "ciphertext_data" => Tamper.Encrypted(Sealed, e => e with { CiphertextData = e.CiphertextData.Replace('+', '-').Replace('/', '_') + "A" }),
            "pqc_signature" => Tamper.Signature(Sealed, s => s with { PqcSignature = Loosen(s.PqcSignature) }),
            _ => Tamper.Signature(Sealed, s => s with { HmacSignature = " " + s.HmacSignature }),
        };

        AssertRejected(tampered, EnvelopeRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("ciphertext_kem", 1087)]
    [InlineData("nonce", 16)]
    [InlineData("ciphertext_data", 15)]
    [InlineData("pqc_signature", 3308)]
    [InlineData("hmac_signature", 32)]
    public void Open_Rejects_WhenBinaryFieldHasWrongLength(string field, int length)
    {
        var value = StrictBase64.Encode(new byte[length]);
        var tampered = field switch
        {
            "ciphertext_kem" => Tamper.Encrypted(Sealed, e => e with { CiphertextKem = value }),
            "nonce" => Tamper.Encrypted(Sealed, e => e with { Nonce = value }),
            "ciphertext_data" => Tamper.Encrypted(Sealed, e => e with { CiphertextData = value }),
            "pqc_signature" => Tamper.Signature(Sealed, s => s with { PqcSignature = value }),
            _ => Tamper.Signature(Sealed, s => s with { HmacSignature = value }),
        };

        AssertRejected(tampered, EnvelopeRejectionReason.Malformed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Open_Rejects_WhenIdentifierIsInvalid(int variant)
    {
        // Built in code: a lone surrogate does not survive test-case serialisation.
        var auditEventId = variant switch
        {
            0 => string.Empty,
            1 => "aud_\u0000x",
            2 => "aud_\ud800",
            _ => "aud_" + new string('x', EnvelopeConstants.MaxIdentifierBytes),
        };

        AssertRejected(Sealed with { AuditEventId = auditEventId }, EnvelopeRejectionReason.Malformed);
    }

    [Fact]
    public void Open_Rejects_WhenEncryptedObjectIsMissing()
    {
        AssertRejected(Sealed with { Encrypted = null! }, EnvelopeRejectionReason.Malformed);
    }

    [Fact]
    public void Open_Throws_WhenHmacKeyHasWrongLength()
    {
        Assert.Throws<ArgumentException>(() => HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys(hmac: new byte[32])));
    }

    [Fact]
    public void Open_Throws_WhenPinnedSigningKeyHasWrongLength()
    {
        var keys = TestKeys.OpenKeys(signingKeys: new Dictionary<string, byte[]> { [TestKeys.SigningKeyId] = new byte[100] });

        Assert.Throws<ArgumentException>(() => HybridEnvelopeOpener.Open(Sealed, keys));
    }

    [Fact]
    public void Open_DecryptsOnce_WhenEnvelopeIsIntact()
    {
        var spy = new SpyDecryptor();

        HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys(), spy);

        Assert.Equal(1, spy.Calls);
    }

    [Fact]
    public void RejectionMessages_ContainNoKeyOrPayloadMaterial()
    {
        var secrets = new[]
        {
            Convert.ToBase64String(TestKeys.Hmac),
            Convert.ToHexString(TestKeys.Hmac),
            Sealed.Signature.PqcSignature[..16],
            Sealed.Signature.HmacSignature[..16],
            Sealed.Encrypted.CiphertextData[..16],
            "auth0|abc",
        };
        var failures = new[]
        {
            Record.Exception(() => HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys(hmac: TestKeys.OtherHmac))),
            Record.Exception(() => HybridEnvelopeOpener.Open(Sealed, TestKeys.OpenKeys(recipient: TestKeys.OtherRecipient))),
            Record.Exception(() => HybridEnvelopeOpener.Open(Sealed with { Success = false }, TestKeys.OpenKeys())),
        };

        foreach (var failure in failures)
        {
            var ex = Assert.IsType<EnvelopeVerificationException>(failure);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal));
        }
    }

    private static void AssertRejected(
        HybridEnvelope envelope,
        EnvelopeRejectionReason expected,
        EnvelopeOpenKeys? keys = null,
        bool expectDecryptAttempt = false)
    {
        var spy = new SpyDecryptor();

        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Open(envelope, keys ?? TestKeys.OpenKeys(), spy));

        Assert.Equal(expected, ex.Reason);

        // Nothing may be decapsulated or decrypted unless every check before decryption passed.
        Assert.Equal(expectDecryptAttempt ? 1 : 0, spy.Calls);
    }
}
