using System.Buffers;
using System.Security.Cryptography;

namespace QuantaSeal.Crypto.Audit;

/// <summary><c>hash(seq) = SHA-256(hash(seq - 1) || canonical_json(event))</c>, with 32 zero bytes before seq 1.</summary>
public static class AuditHashChain
{
    /// <summary>The previous hash of seq 1.</summary>
    public static byte[] Genesis => new byte[32];

    /// <summary>
    /// Chains <paramref name="record"/> after <paramref name="hash"/>: on return <paramref name="hash"/> holds the hash
    /// at the record's seq, and the record returned carries it as <see cref="AuditRecord.Hash"/>.
    /// </summary>
    /// <param name="hash">The previous hash (32 bytes) in, the record's hash out.</param>
    /// <param name="record">The event; its <see cref="AuditRecord.Hash"/> is not covered and is replaced.</param>
    public static AuditRecord Link(Span<byte> hash, AuditRecord record)
    {
        Next(hash, record, hash);
        return record with { Hash = Convert.ToHexStringLower(hash) };
    }

    /// <summary>The hash of <paramref name="record"/> following <paramref name="previousHash"/> (its <see cref="AuditRecord.Hash"/> is not covered).</summary>
    public static byte[] Next(ReadOnlySpan<byte> previousHash, AuditRecord record)
    {
        var hash = new byte[32];
        Next(previousHash, record, hash);
        return hash;
    }

    /// <summary>Writes the hash of <paramref name="record"/> following <paramref name="previousHash"/> into <paramref name="hash"/> (32 bytes; may be the same memory as <paramref name="previousHash"/>).</summary>
    public static void Next(ReadOnlySpan<byte> previousHash, AuditRecord record, Span<byte> hash)
    {
        if (previousHash.Length != 32)
        {
            throw new ArgumentException("The previous hash must be 32 bytes.", nameof(previousHash));
        }

        if (hash.Length != 32)
        {
            throw new ArgumentException("The hash must be 32 bytes.", nameof(hash));
        }

        // previous || canonical_json in one buffer, hashed at once; the buffer is reused by the thread.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        buffer.Write(previousHash);
        AuditCanonicalJson.Write(buffer, record);
        SHA256.HashData(buffer.WrittenSpan, hash);
        if (buffer.Capacity > MaxRetainedBuffer)
        {
            // An unusually large event (an export being verified can hold anything): do not keep its buffer alive.
            t_buffer = null;
        }
    }

    private const int MaxRetainedBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;
}
