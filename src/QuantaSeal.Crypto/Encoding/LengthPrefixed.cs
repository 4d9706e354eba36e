using System.Buffers.Binary;

namespace QuantaSeal.Crypto.Encoding;

/// <summary>
/// Writes the "4-byte big-endian length, then the bytes" fields shared by the envelope signed bytes
/// (DESIGN §4) and the vault AAD (DESIGN §5). A length prefix on every variable field makes the
/// concatenation unambiguous: no two field tuples encode to the same bytes.
/// </summary>
internal static class LengthPrefixed
{
    public const int PrefixSize = 4;

    public static int FieldSize(int fieldLength) => checked(PrefixSize + fieldLength);

    public static void WriteField(Span<byte> destination, ref int offset, ReadOnlySpan<byte> field)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], (uint)field.Length);
        offset += PrefixSize;
        field.CopyTo(destination[offset..]);
        offset += field.Length;
    }

    public static void WriteRaw(Span<byte> destination, ref int offset, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[offset..]);
        offset += bytes.Length;
    }
}
