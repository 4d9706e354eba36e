using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace QuantaSeal.Grains.Security.Records;

/// <summary>
/// HMAC-SHA-256 over the canonical bytes of one stored record: the ASCII tag <c>QSREC1</c>, then the record's identity
/// (kind, tenant id, object id, record version) and its security-relevant fields in a fixed order. Every string and byte
/// field is length-prefixed (4 bytes, big-endian) after a presence byte, lists carry their count, numbers are 8 bytes
/// big-endian: no two different field tuples encode to the same bytes, so a record cannot be re-read with other meaning.
/// </summary>
/// <remarks>
/// Strings are encoded as strict UTF-8: a string that is not valid UTF-16 (a lone surrogate) throws instead of being
/// replaced, so two different stored strings never share an encoding. The verifier treats that as a failed record.
/// </remarks>
internal sealed class RecordMac : IDisposable
{
    /// <summary>Length of an authenticator (HMAC-SHA-256).</summary>
    public const int Length = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IncrementalHash _hmac;

    public RecordMac(ReadOnlySpan<byte> key, RecordIdentity identity)
    {
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        _hmac.AppendData("QSREC1"u8);
        Add(identity.Kind).Add(identity.TenantId).Add(identity.ObjectId).Add(identity.RecordVersion);
    }

    public RecordMac Add(string? value)
    {
        if (value is null)
        {
            return Absent();
        }

        return Add(StrictUtf8.GetBytes(value));
    }

    public RecordMac Add(byte[]? value)
    {
        if (value is null)
        {
            return Absent();
        }

        Span<byte> header = stackalloc byte[5];
        header[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)value.Length);
        _hmac.AppendData(header);
        _hmac.AppendData(value);
        return this;
    }

    public RecordMac Add(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        _hmac.AppendData(bytes);
        return this;
    }

    public RecordMac Add(bool value)
    {
        _hmac.AppendData(value ? [1] : [0]);
        return this;
    }

    /// <summary>An instant, as its UTC ticks (an offset change that names the same instant is the same record).</summary>
    public RecordMac Add(DateTimeOffset? value) => value is { } v ? Add(true).Add(v.UtcTicks) : Absent();

    public RecordMac Add(IReadOnlyCollection<string>? values)
    {
        if (values is null)
        {
            return Absent();
        }

        Add(true).Add((long)values.Count);
        foreach (var value in values)
        {
            Add(value);
        }

        return this;
    }

    /// <summary>The authenticator; the builder cannot be used afterwards.</summary>
    public byte[] Finish() => _hmac.GetHashAndReset();

    public void Dispose() => _hmac.Dispose();

    private RecordMac Absent()
    {
        _hmac.AppendData([0]);
        return this;
    }
}
