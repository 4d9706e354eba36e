using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Envelope;

/// <summary>
/// The decrypt step of <see cref="HybridEnvelopeOpener"/>, a seam so tests can prove it is never reached
/// when a signature check fails.
/// </summary>
internal interface IEnvelopePayloadDecryptor
{
    /// <summary>Decapsulates, derives the key and decrypts; throws <see cref="EnvelopeVerificationException"/> on a tag failure.</summary>
    byte[] Decrypt(MlKem768KeyPair recipientKey, DecodedEnvelope envelope);
}
