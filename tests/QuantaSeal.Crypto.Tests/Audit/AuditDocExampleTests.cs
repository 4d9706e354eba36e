using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>Pins the worked examples of docs/audit-chain.md: if one fails, the document or the code is wrong.</summary>
public sealed class AuditDocExampleTests
{
    private static readonly AuditRecord Example = new(
        "aud_01JDOCEXAMPLE0000000000000", "ten_01JDOCEXAMPLE0000000000000", 1, new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        "ak_01JDOCEXAMPLE0000000000000", "proxy.outbound", "int_01JDOCEXAMPLE0000000000000", "get_user", "success", 200, null, 41, null);

    [Fact]
    public void WorkedExample_HashIsPinned()
    {
        Assert.Equal(373, AuditCanonicalJson.Serialize(Example).Length);
        Assert.Equal("6bce88a9793b3d95627ee95008d53b916ffb36ca789d96ae9c87aa0d7f4dee2c", Convert.ToHexStringLower(AuditHashChain.Next(AuditHashChain.Genesis, Example)));
    }

    [Fact]
    public void WorkedExample_CheckpointSignedBytesArePinned()
    {
        var bytes = AuditCheckpointSigning.SignedBytes(Example.TenantId, 1, "6bce88a9793b3d95627ee95008d53b916ffb36ca789d96ae9c87aa0d7f4dee2c", new DateTimeOffset(2026, 1, 2, 3, 5, 0, TimeSpan.Zero));

        Assert.Equal(
            "{\"tenant_id\":\"ten_01JDOCEXAMPLE0000000000000\",\"seq\":1,\"hash\":\"6bce88a9793b3d95627ee95008d53b916ffb36ca789d96ae9c87aa0d7f4dee2c\",\"timestamp\":\"2026-01-02T03:05:00.000Z\"}",
            System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void StringEscaping_FollowsTheDocumentedRule()
    {
        var record = Example with { Operation = "q\"b\\s\u0001\t\u007f/é😀\u2028" };

        var json = System.Text.Encoding.UTF8.GetString(AuditCanonicalJson.Serialize(record));

        Assert.Contains("\"operation\":\"q\\\"b\\\\s\\u0001\\u0009\u007f/é😀\u2028\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamp_IsTruncatedToTheMillisecond_InUtc()
    {
        var t = new DateTimeOffset(2026, 1, 2, 4, 4, 5, 678, TimeSpan.FromHours(1)).AddTicks(9999);

        Assert.Equal("2026-01-02T03:04:05.678Z", AuditCanonicalJson.FormatTimestamp(t));
    }
}
