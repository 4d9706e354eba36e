using QuantaSeal.Crypto.Encoding;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>Helpers that change one field of an envelope.</summary>
internal static class Tamper
{
    public static string FlipBit(string base64, int bitIndex)
    {
        var bytes = StrictBase64.Decode(base64);
        var bit = bitIndex % (bytes.Length * 8);
        bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        return StrictBase64.Encode(bytes);
    }

    public static HybridEnvelope Encrypted(HybridEnvelope envelope, Func<EnvelopeEncrypted, EnvelopeEncrypted> change) =>
        envelope with { Encrypted = change(envelope.Encrypted) };

    public static HybridEnvelope Signature(HybridEnvelope envelope, Func<EnvelopeSignature, EnvelopeSignature> change) =>
        envelope with { Signature = change(envelope.Signature) };

    /// <summary>Changes the tenant consistently in both places, so only the signatures can catch it.</summary>
    public static HybridEnvelope TenantEverywhere(HybridEnvelope envelope, string tenantId) =>
        envelope with
        {
            Encrypted = envelope.Encrypted with { TenantId = tenantId },
            Signature = envelope.Signature with { TenantId = tenantId },
        };
}
