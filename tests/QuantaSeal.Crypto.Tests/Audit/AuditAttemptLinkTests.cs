using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>
/// The intent/outcome link (<c>attempt_event_id</c>, docs/audit-chain.md §1): part of the canonical form only when set,
/// so older events and exports keep their bytes, and covered by the chain hash when it is set.
/// </summary>
public sealed class AuditAttemptLinkTests
{
    private const string Tenant = "ten_01JTESTAUDIT0000000000000";
    private const string Intent = "aud_01JTESTINTENT00000000000";
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 18, 0, 0, 250, TimeSpan.Zero);

    private static AuditRecord Attempted() =>
        new(Intent, Tenant, 1, T0, "ak_x", "proxy.outbound", "int_x", "delete_user", "attempted", null, new string('b', 64), null, null);

    private static AuditRecord Outcome(string? attempt = Intent) =>
        new("aud_01JTESTOUTCOME0000000000", Tenant, 2, T0.AddSeconds(1), "ak_x", "proxy.outbound", "int_x", "delete_user", "success", 204, new string('b', 64), 812, null, attempt);

    [Fact]
    public void CanonicalJson_WithoutALink_HasExactlyTheThirteenMembers()
    {
        var json = System.Text.Encoding.UTF8.GetString(AuditCanonicalJson.Serialize(Attempted()));

        Assert.EndsWith(",\"object_id\":null}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("attempt_event_id", json, StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalJson_WithALink_AppendsItAsTheFourteenthMember()
    {
        var json = System.Text.Encoding.UTF8.GetString(AuditCanonicalJson.Serialize(Outcome()));

        Assert.EndsWith(",\"object_id\":null,\"attempt_event_id\":\"" + Intent + "\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangingTheLink_ChangesTheChainHash()
    {
        var linked = AuditHashChain.Next(AuditHashChain.Genesis, Outcome());
        var relinked = AuditHashChain.Next(AuditHashChain.Genesis, Outcome("aud_01JTESTOTHER000000000000"));
        var unlinked = AuditHashChain.Next(AuditHashChain.Genesis, Outcome(null));

        Assert.NotEqual(Convert.ToHexStringLower(linked), Convert.ToHexStringLower(relinked));
        Assert.NotEqual(Convert.ToHexStringLower(linked), Convert.ToHexStringLower(unlinked));
    }

    [Fact]
    public void Export_WithAnIntentAndItsOutcome_RoundTripsAndVerifies()
    {
        using var key = MlDsa65KeyPair.Generate();
        var first = Attempted() with { Hash = Convert.ToHexStringLower(AuditHashChain.Next(AuditHashChain.Genesis, Attempted())) };
        var secondHash = AuditHashChain.Next(Convert.FromHexString(first.Hash), Outcome());
        var second = Outcome() with { Hash = Convert.ToHexStringLower(secondHash) };
        var at = T0.AddMinutes(1);
        var checkpoint = new AuditCheckpoint(Tenant, 2, second.Hash, at, "sk_test", AuditCheckpointSigning.Sign(key, Tenant, 2, second.Hash, at));
        var text = string.Join('\n', AuditExport.HeaderLine(Tenant, at), AuditExport.EventLine(first), AuditExport.EventLine(second), AuditExport.CheckpointLine(checkpoint));

        var (tenantId, events, checkpoints) = AuditExport.Read(new StringReader(text));
        var result = AuditChainVerifier.Verify(tenantId, events, checkpoints, new Dictionary<string, byte[]> { ["sk_test"] = key.PublicKey.ToArray() });

        Assert.True(result.Valid, result.Problem);
        Assert.Null(events[0].AttemptEventId);
        Assert.Equal(Intent, events[1].AttemptEventId);
    }

    [Fact]
    public void Export_LineOfAnOlderExport_WithoutTheMember_StillParsesAndVerifies()
    {
        // A v1 export line as written before the link existed (13 members + hash): the documented worked example.
        const string line = "{\"type\":\"event\",\"event_id\":\"aud_01JDOCEXAMPLE0000000000000\",\"tenant_id\":\"ten_01JDOCEXAMPLE0000000000000\",\"seq\":1,\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"actor\":\"ak_01JDOCEXAMPLE0000000000000\",\"action\":\"proxy.outbound\",\"integration_id\":\"int_01JDOCEXAMPLE0000000000000\",\"operation\":\"get_user\",\"outcome\":\"success\",\"upstream_status\":200,\"request_sha256\":null,\"latency_ms\":41,\"object_id\":null,\"hash\":\"6bce88a9793b3d95627ee95008d53b916ffb36ca789d96ae9c87aa0d7f4dee2c\"}";
        var text = AuditExport.HeaderLine("ten_01JDOCEXAMPLE0000000000000", T0) + "\n" + line;

        var (tenantId, events, checkpoints) = AuditExport.Read(new StringReader(text));
        var result = AuditChainVerifier.Verify(tenantId, events, checkpoints, new Dictionary<string, byte[]>());

        Assert.True(result.Valid, result.Problem);
        Assert.Equal(line, AuditExport.EventLine(events[0]));
    }
}
