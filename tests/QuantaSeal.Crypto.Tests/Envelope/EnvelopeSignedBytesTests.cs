using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Crypto.Tests.Envelope;

public sealed class EnvelopeSignedBytesTests
{
    [Fact]
    public void Build_MatchesTheDesignLayout_ByteForByte()
    {
        var m = EnvelopeSignedBytes.Build("ten_a", "rk_b", "ML-KEM-768", [1, 2, 3], [4, 5], [6], "aud_c", success: true);

        byte[] expected =
        [
            .. "QSENV1"u8,
            0, 0, 0, 5, .. "ten_a"u8,
            0, 0, 0, 4, .. "rk_b"u8,
            0, 0, 0, 10, .. "ML-KEM-768"u8,
            0, 0, 0, 3, 1, 2, 3,
            0, 0, 0, 2, 4, 5,
            0, 0, 0, 1, 6,
            0, 0, 0, 5, .. "aud_c"u8,
            1,
        ];
        Assert.Equal(expected, m);
    }

    [Fact]
    public void Build_EndsWithBareZeroByte_WhenNotSuccessful()
    {
        var m = EnvelopeSignedBytes.Build("t", "r", "a", [], [], [], "e", success: false);

        Assert.Equal(0, m[^1]);
        Assert.Equal(6 + (7 * 4) + 4 + 1, m.Length);
    }

    [Fact]
    public void Build_EncodesNonAsciiIdentifiersAsUtf8()
    {
        var m = EnvelopeSignedBytes.Build("ten_é", "r", "a", [], [], [], "e", success: true);

        Assert.Equal(6u, BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(6)));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("ten_é"), m.AsSpan(10, 6).ToArray());
    }

    [Fact]
    public void Build_Throws_WhenIdentifierHasLoneSurrogate()
    {
        Assert.Throws<ArgumentException>(() => EnvelopeSignedBytes.Build("ten_\ud800", "r", "a", [], [], [], "e", success: true));
    }

    [Property(MaxTest = 200)]
    public void Build_IsInvertible_SoDistinctFieldsNeverCollide(
        byte[] tenant, byte[] recipient, byte[] algorithm, byte[] kem, byte[] nonce, byte[] data, byte[] audit, bool success)
    {
        var m = EnvelopeSignedBytes.Build(tenant, recipient, algorithm, kem, nonce, data, audit, success);

        var fields = Parse(m, out var parsedSuccess);

        Assert.Equal([tenant, recipient, algorithm, kem, nonce, data, audit], fields);
        Assert.Equal(success, parsedSuccess);
    }

    [Property(MaxTest = 200)]
    public void Build_LengthIsTagPlusPrefixedFieldsPlusOne(byte[] tenant, byte[] kem, byte[] data)
    {
        var m = EnvelopeSignedBytes.Build(tenant, [], [], kem, [], data, [], success: true);

        Assert.Equal(6 + (7 * 4) + tenant.Length + kem.Length + data.Length + 1, m.Length);
    }

    [Property(MaxTest = 200)]
    public void Build_DiffersWhenOneByteMovesBetweenAdjacentFields(NonEmptyArray<byte> tenant, byte[] recipient)
    {
        var original = EnvelopeSignedBytes.Build(tenant.Get, recipient, [], [], [], [], [], success: true);
        var shifted = EnvelopeSignedBytes.Build(tenant.Get.AsSpan(0, tenant.Get.Length - 1), [tenant.Get[^1], .. recipient], [], [], [], [], [], success: true);

        Assert.NotEqual(original, shifted);
    }

    // An independent reader of the layout: 'QSENV1', seven length-prefixed fields, one trailing byte.
    private static byte[][] Parse(byte[] m, out bool success)
    {
        Assert.Equal("QSENV1"u8.ToArray(), m.AsSpan(0, 6).ToArray());
        var offset = 6;
        var fields = new byte[7][];
        for (var i = 0; i < fields.Length; i++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(offset));
            offset += 4;
            fields[i] = m[offset..(offset + length)];
            offset += length;
        }

        Assert.Equal(m.Length - 1, offset);
        Assert.InRange(m[offset], 0, 1);
        success = m[offset] == 1;
        return fields;
    }
}
