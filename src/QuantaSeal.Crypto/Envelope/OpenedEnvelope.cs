namespace QuantaSeal.Crypto.Envelope;

/// <summary>An envelope that verified and decrypted: what its signatures vouch for, and the payload.</summary>
/// <param name="Verified">The authenticated fields.</param>
/// <param name="Plaintext">The decrypted payload; the caller owns (and may wipe) it.</param>
public sealed record OpenedEnvelope(VerifiedEnvelope Verified, byte[] Plaintext);
