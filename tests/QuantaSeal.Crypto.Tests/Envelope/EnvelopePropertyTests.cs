using FsCheck;
using FsCheck.Xunit;
using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Crypto.Tests.Envelope;

public sealed class EnvelopePropertyTests
{
    private static readonly HybridEnvelope Sealed = TestKeys.Seal();

    [Property(MaxTest = 40)]
    public void SealThenOpen_RoundTrips_AnyPlaintext(byte[] plaintext, bool success)
    {
        var envelope = TestKeys.Seal(plaintext, success);

        var opened = HybridEnvelopeOpener.Open(HybridEnvelope.FromJson(envelope.ToJson()), TestKeys.OpenKeys());

        Assert.Equal(plaintext, opened);
    }

    [Property(MaxTest = 150)]
    public void Open_Rejects_AnyFlippedBitInAnyBinaryField(NonNegativeInt fieldSelector, NonNegativeInt bitSelector)
    {
        var bit = bitSelector.Get;
        var tampered = (fieldSelector.Get % 5) switch
        {
            0 => Tamper.Encrypted(Sealed, e => e with { CiphertextKem = Tamper.FlipBit(e.CiphertextKem, bit) }),
            1 => Tamper.Encrypted(Sealed, e => e with { Nonce = Tamper.FlipBit(e.Nonce, bit) }),
            2 => Tamper.Encrypted(Sealed, e => e with { CiphertextData = Tamper.FlipBit(e.CiphertextData, bit) }),
            3 => Tamper.Signature(Sealed, s => s with { PqcSignature = Tamper.FlipBit(s.PqcSignature, bit) }),
            _ => Tamper.Signature(Sealed, s => s with { HmacSignature = Tamper.FlipBit(s.HmacSignature, bit) }),
        };
        var spy = new SpyDecryptor();

        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Open(tampered, TestKeys.OpenKeys(), spy));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
        Assert.Equal(0, spy.Calls);
    }

    [Property(MaxTest = 60)]
    public void Open_Rejects_AnyFlippedBitInAnyIdentifier(NonNegativeInt fieldSelector, NonNegativeInt bitSelector)
    {
        // Flip one of the low 5 bits of one ASCII character: the result stays a printable, valid identifier.
        string Flip(string id)
        {
            var chars = id.ToCharArray();
            var index = bitSelector.Get % chars.Length;
            chars[index] = (char)(chars[index] ^ (1 << (bitSelector.Get / chars.Length % 5)));
            return new string(chars);
        }

        var tampered = (fieldSelector.Get % 3) switch
        {
            0 => Tamper.TenantEverywhere(Sealed, Flip(Sealed.Encrypted.TenantId)),
            1 => Tamper.Encrypted(Sealed, e => e with { RecipientKeyId = Flip(e.RecipientKeyId) }),
            _ => Sealed with { AuditEventId = Flip(Sealed.AuditEventId) },
        };
        var spy = new SpyDecryptor();

        Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Open(tampered, TestKeys.OpenKeys(), spy));
        Assert.Equal(0, spy.Calls);
    }

    [Property(MaxTest = 200)]
    public void FromJson_ThrowsOnlyEnvelopeFormatException_ForAnyText(string? text)
    {
        if (text is null)
        {
            return;
        }

        var ex = Record.Exception(() => HybridEnvelope.FromJson(text));

        Assert.True(ex is null or EnvelopeFormatException, ex?.GetType().Name);
    }

    [Property(MaxTest = 100)]
    public void Open_ThrowsOnlyVerificationException_ForArbitraryFieldValues(string? ciphertextKem, string? nonce, string? pqcSignature)
    {
        var mangled = Sealed with
        {
            Encrypted = Sealed.Encrypted with { CiphertextKem = ciphertextKem ?? string.Empty, Nonce = nonce ?? string.Empty },
            Signature = Sealed.Signature with { PqcSignature = pqcSignature ?? string.Empty },
        };

        var ex = Record.Exception(() => HybridEnvelopeOpener.Open(mangled, TestKeys.OpenKeys()));

        Assert.IsType<EnvelopeVerificationException>(ex);
    }

    [Property(MaxTest = 100)]
    public void StrictBase64_RoundTripsAnyBytes(byte[] bytes)
    {
        Assert.Equal(bytes, StrictBase64.Decode(StrictBase64.Encode(bytes)));
    }

    [Property(MaxTest = 300)]
    public void StrictBase64_AcceptsOnlyCanonicalText(string? text)
    {
        if (StrictBase64.TryDecode(text, out var bytes))
        {
            Assert.Equal(text, Convert.ToBase64String(bytes));
        }
    }
}
