using System.Text.Json;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>The API's JSON form of a signed checkpoint is defined by <see cref="AuditCheckpoint"/> itself, whatever the caller's options.</summary>
public sealed class AuditCheckpointJsonTests
{
    private const string Wire =
        """{"tenant_id":"ten_1","seq":12,"hash":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","timestamp":"2026-01-02T03:04:05.678Z","key_id":"sk_1","signature":"+/+/AAE="}""";

    private static readonly AuditCheckpoint Checkpoint = new(
        "ten_1", 12, new string('c', 64), new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), "sk_1", [0xfb, 0xff, 0xbf, 0x00, 0x01]);

    public static TheoryData<string> Options => WireOptions.Names;

    [Theory]
    [MemberData(nameof(Options))]
    public void Serialise_WritesSnakeCase_CanonicalTimestamp_StandardBase64Signature(string name)
    {
        Assert.Equal(Wire, JsonSerializer.Serialize(Checkpoint with { Timestamp = Checkpoint.Timestamp.ToOffset(TimeSpan.FromHours(-5)).AddTicks(9999) }, For(name)));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Deserialise_ReadsTheWireForm_AndAnyIso8601Timestamp(string name)
    {
        foreach (var json in new[] { Wire, Wire.Replace("2026-01-02T03:04:05.678Z", "2026-01-02T05:04:05.678+02:00", StringComparison.Ordinal) })
        {
            var parsed = JsonSerializer.Deserialize<AuditCheckpoint>(json, For(name))!;

            Assert.Equal(Checkpoint.Signature, parsed.Signature);
            Assert.Equal(Checkpoint, parsed with { Signature = Checkpoint.Signature });
        }
    }

    [Fact]
    public void VerifySignature_IsTrueOnlyForTheNamedKey_AndTheSignedMembers()
    {
        var key = TestKeys.Signing;
        var signed = TestChain.Sign(key, 3, new string('d', 64), keyId: "sk_a");
        var keys = new Dictionary<string, byte[]> { ["sk_a"] = key.PublicKey };

        Assert.True(signed.VerifySignature(keys));
        Assert.False((signed with { Hash = new string('e', 64) }).VerifySignature(keys));
        Assert.False((signed with { KeyId = "sk_b" }).VerifySignature(keys));
        Assert.False(signed.VerifySignature(new Dictionary<string, byte[]>()));
    }

    private static JsonSerializerOptions For(string name) => WireOptions.For(name);
}
