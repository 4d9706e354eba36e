using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>Counts calls to the decrypt step, then delegates to the real one.</summary>
internal sealed class SpyDecryptor : IEnvelopePayloadDecryptor
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public byte[] Decrypt(MlKem768KeyPair recipientKey, DecodedEnvelope envelope)
    {
        Interlocked.Increment(ref _calls);
        return EnvelopePayloadDecryptor.Instance.Decrypt(recipientKey, envelope);
    }
}
