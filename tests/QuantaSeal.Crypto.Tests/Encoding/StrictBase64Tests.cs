using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Tests.Encoding;

public sealed class StrictBase64Tests
{
    [Theory]
    [InlineData("", new byte[0])]
    [InlineData("AA==", new byte[] { 0 })]
    [InlineData("AAE=", new byte[] { 0, 1 })]
    [InlineData("+/+/", new byte[] { 0xFB, 0xFF, 0xBF })]
    public void Decode_AcceptsCanonicalStandardBase64(string text, byte[] expected)
    {
        Assert.Equal(expected, StrictBase64.Decode(text));
    }

    [Theory]
    [InlineData("AA")]        // missing padding
    [InlineData("AA=")]       // short padding
    [InlineData("AB==")]      // non-zero unused bits (non-canonical)
    [InlineData("AAF=")]      // non-zero unused bits (non-canonical)
    [InlineData("-_-_")]      // URL-safe alphabet
    [InlineData("AA==AA==")]  // padding in the middle
    [InlineData("A===")]      // three padding symbols
    [InlineData(" AA=")]      // whitespace
    [InlineData("AA=\n")]     // trailing newline
    [InlineData("AAAA\r\nAAAA")]
    public void TryDecode_Rejects_NonStrictText(string text)
    {
        Assert.False(StrictBase64.TryDecode(text, out _));
        Assert.Throws<FormatException>(() => StrictBase64.Decode(text));
    }

    [Fact]
    public void Decode_Throws_WhenLengthIsNotExpected()
    {
        Assert.Throws<FormatException>(() => StrictBase64.Decode("AAE=", expectedLength: 3));
    }
}
