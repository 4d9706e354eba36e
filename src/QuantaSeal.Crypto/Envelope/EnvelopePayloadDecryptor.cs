using System.Security.Cryptography;
using QuantaSeal.Crypto.Aead;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <inheritdoc cref="IEnvelopePayloadDecryptor"/>
internal sealed class EnvelopePayloadDecryptor : IEnvelopePayloadDecryptor
{
    public static EnvelopePayloadDecryptor Instance { get; } = new();

    /// <inheritdoc/>
    public byte[] Decrypt(MlKem768KeyPair recipientKey, DecodedEnvelope envelope)
    {
        // A tampered or misaddressed KEM ciphertext does not fail here: FIPS 203 implicit rejection yields
        // an unrelated secret, so the GCM tag below is what catches it.
        var sharedSecret = recipientKey.Decapsulate(envelope.CiphertextKem);
        Span<byte> key = stackalloc byte[PqcSizes.Aes256Key];
        try
        {
            KemAead.DeriveKey(sharedSecret, EnvelopeConstants.KeyDerivationInfoUtf8, key);
            var aad = EnvelopeIdentifier.BuildAad(envelope.TenantIdUtf8, envelope.AuditEventIdUtf8);
            return KemAead.TryDecrypt(key, envelope.Nonce, envelope.CiphertextData, aad, out var plaintext)
                ? plaintext
                : throw new EnvelopeVerificationException(EnvelopeRejectionReason.DecryptionFailed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
