using QuantaSeal.Client.Tests.Infrastructure;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>
/// The pinned golden vector (tests/QuantaSeal.Crypto.Tests/Vectors/envelope-v1.json) is reproduced byte for byte and opened by the independent Node.js implementation.
/// </summary>
public sealed class GoldenVectorInteropTests(NodeInterop node) : InteropTests(node)
{
    [Theory]
    [InlineData("success")]
    [InlineData("upstream-error")]
    public async Task GoldenVector_IsReproducedByNode_ByteForByte(string vectorName)
    {
        var expected = (string)InteropSession.VectorEntry(RepoPaths.GoldenVector, vectorName)["expected"]!["envelope_json"]!;

        var result = await Session.Node.RunAsync("seal.mjs", ["--vector", RepoPaths.GoldenVector, "--vector-name", vectorName]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.StandardOutputText);
    }

    [Theory]
    [InlineData("success")]
    [InlineData("upstream-error")]
    public async Task GoldenVector_OpensWithNode(string vectorName)
    {
        var vector = InteropSession.VectorEntry(RepoPaths.GoldenVector, vectorName);
        var inputs = vector["inputs"]!;
        var expected = vector["expected"]!;
        var envelope = Session.Dir.Write("vector.json", (string)expected["envelope_json"]!);
        var keys = Session.VectorKeys(vector);

        var result = await Session.OpenWithNodeAsync(envelope, keys);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((string)inputs["plaintext_utf8"]!, result.StandardOutputText);
    }
}
