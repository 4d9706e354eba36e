namespace QuantaSeal.Crypto.Envelope;

/// <summary>The three fields v2 appends to the signed bytes, as UTF-8.</summary>
internal sealed record EnvelopeV2Fields(byte[] RequestSha256Utf8, byte[] IssuedAtUtf8, byte[] ExtrasUtf8);
