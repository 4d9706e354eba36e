using System.Security.Cryptography;

namespace QuantaSeal.Crypto.Audit;

/// <summary><c>hash(seq) = SHA-256(hash(seq - 1) || canonical_json(event))</c>, with 32 zero bytes before seq 1.</summary>
public static class AuditHashChain
{
    /// <summary>The previous hash of seq 1.</summary>
    public static byte[] Genesis => new byte[32];

    /// <summary>The hash of <paramref name="record"/> following <paramref name="previousHash"/>.</summary>
    public static byte[] Next(ReadOnlySpan<byte> previousHash, AuditRecord record)
    {
        if (previousHash.Length != 32)
        {
            throw new ArgumentException("The previous hash must be 32 bytes.", nameof(previousHash));
        }

        var canonical = AuditCanonicalJson.Serialize(record);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previousHash);
        sha.AppendData(canonical);
        return sha.GetHashAndReset();
    }
}
