using System.Security.Cryptography;

namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// Proof of possession for a recipient key registration. ML-KEM cannot sign, so the server encapsulates a fresh
/// secret to the key being registered (the challenge) and the client proves it can decapsulate by returning
/// <c>proof = HMAC-SHA-256(ss, "QuantaSeal/v1/recipient-key-proof" || 0x00 || tenant_id || 0x00 || challenge_id ||
/// 0x00 || SHA-256(public_key))</c>. Only the holder of the decapsulation key learns <c>ss</c>, so a key nobody can
/// open (such as a degenerate one chosen to be readable by others) cannot be registered by someone without its
/// private half; binding the tenant, the challenge and the key stops a proof from being replayed elsewhere.
/// </summary>
public static class RecipientKeyProof
{
    /// <summary>Domain separation tag of the proof.</summary>
    public const string Label = "QuantaSeal/v1/recipient-key-proof";

    /// <summary>Length of a proof in bytes.</summary>
    public const int Length = 32;

    /// <summary>Computes the proof from the decapsulated shared secret.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> sharedSecret, string tenantId, string challengeId, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(challengeId);
        var message = new List<byte>(128);
        message.AddRange(System.Text.Encoding.UTF8.GetBytes(Label));
        message.Add(0);
        message.AddRange(System.Text.Encoding.UTF8.GetBytes(tenantId));
        message.Add(0);
        message.AddRange(System.Text.Encoding.UTF8.GetBytes(challengeId));
        message.Add(0);
        message.AddRange(SHA256.HashData(publicKey));
        return HMACSHA256.HashData(sharedSecret, message.ToArray());
    }

    /// <summary>Checks a presented proof in constant time.</summary>
    public static bool Verify(ReadOnlySpan<byte> sharedSecret, string tenantId, string challengeId, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> proof)
    {
        var expected = Compute(sharedSecret, tenantId, challengeId, publicKey);
        return proof.Length == Length && CryptographicOperations.FixedTimeEquals(expected, proof);
    }
}
