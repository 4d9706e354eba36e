using System.Buffers;
using System.Text.Json;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Tests.Encoding;

/// <summary>The RFC 8785 subset envelope v2 signs its extras with (docs/envelope-v2.md).</summary>
public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData("""{ "b" : 1, "a" : [true, false, null] }""", """{"a":[true,false,null],"b":1}""")]
    [InlineData("""{"\u00e9":"1","z":"2","A":"3","\ud83d\ude00":"4","\uff21":"5"}""", "{\"A\":\"3\",\"z\":\"2\",\"é\":\"1\",\"😀\":\"4\",\"Ａ\":\"5\"}")]
    [InlineData("""{"s":"q\"b\\s\/ \b\f\n\r\t \u0001\u001f \u007f \u2028 \u00e9"}""", "{\"s\":\"q\\\"b\\\\s/ \\b\\f\\n\\r\\t \\u0001\\u001f \u007f \u2028 é\"}")]
    [InlineData("""{"n":-0,"m":-12,"o":0}""", """{"m":-12,"n":0,"o":0}""")]
    public void Write_ProducesTheJcsForm(string input, string expected)
    {
        using var document = JsonDocument.Parse(input);
        var output = new ArrayBufferWriter<byte>();

        Assert.True(CanonicalJson.TryWrite(document.RootElement, output));
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData("""{"n":1.5}""")]
    [InlineData("""{"n":1e3}""")]
    [InlineData("""{"n":1234567890123456}""")]
    [InlineData("""{"s":"\ud800"}""")]
    [InlineData("""{"a":1,"a":2}""")]
    public void Write_RefusesWhatIsOutsideTheSubset(string input)
    {
        using var document = JsonDocument.Parse(input);

        Assert.False(CanonicalJson.TryWrite(document.RootElement, new ArrayBufferWriter<byte>()));
    }
}
