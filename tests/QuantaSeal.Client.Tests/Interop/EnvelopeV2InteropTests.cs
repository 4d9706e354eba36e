using System.Text;
using System.Text.Json.Nodes;
using QuantaSeal.Client.Tests.CommandLine;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>
/// Envelope v2 (docs/envelope-v2.md) against the independent Node.js implementation: the pinned v2 vector is reproduced
/// by it byte for byte (request hash and canonical extras computed on its own), C#-sealed v2 envelopes open with it and
/// their signed binding and extras are what it reports, tampered extras are rejected by it, and Node-sealed v2
/// envelopes open with the SDK and the CLI under the binding checks.
/// </summary>
public sealed class EnvelopeV2InteropTests(NodeInterop node) : InteropTests(node)
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 12, 7, 23, 20, 0, 500, TimeSpan.Zero);
    private static readonly string RequestHash = EnvelopeRequestHash.ForProxy("int_01JINTEROP", "list_users", """{"limit":2}""");
    private static readonly Dictionary<string, string> Limits = new(StringComparer.Ordinal) { ["limit"] = "600", ["remaining"] = "599", ["reset"] = "1796688000" };


    [Theory]
    [InlineData("success")]
    [InlineData("upstream-error")]
    public async Task GoldenVectorV2_IsReproducedByNode_ByteForByte(string vectorName)
    {
        var expected = (string)InteropSession.VectorEntry(RepoPaths.GoldenVectorV2, vectorName)["expected"]!["envelope_json"]!;

        var result = await Session.Node.RunAsync("seal.mjs", ["--vector", RepoPaths.GoldenVectorV2, "--vector-name", vectorName]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.StandardOutputText);
    }

    [Theory]
    [InlineData("success")]
    [InlineData("upstream-error")]
    public async Task GoldenVectorV2_OpensWithNode_UnderTheBindingChecks(string vectorName)
    {
        var vector = InteropSession.VectorEntry(RepoPaths.GoldenVectorV2, vectorName);
        var inputs = vector["inputs"]!;
        var expected = vector["expected"]!;
        var envelope = Session.Dir.Write("vector.json", (string)expected["envelope_json"]!);
        var keys = Session.VectorKeys(vector);
        var now = DateTimeOffset.Parse((string)inputs["issued_at"]!, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(30).ToString("O");

        var result = await Session.OpenWithNodeAsync(envelope, keys, "--request-sha256", (string)expected["request_sha256"]!, "--max-age", "60", "--now", now);
        var stale = await Session.OpenWithNodeAsync(envelope, keys, "--max-age", "60", "--now", DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture).AddHours(1).ToString("O"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((string)inputs["plaintext_utf8"]!, result.StandardOutputText);
        Assert.Equal(2, stale.ExitCode);
        Assert.Contains("OutsideTimeWindow", stale.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CSharpSealedV2Envelope_OpensWithNode_WhichReportsTheSameSignedBindingAndExtras()
    {
        var envelope = Session.Tenant.SealV2(RequestHash, IssuedAt, nextCursor: "00u-next", rateLimit: Limits);
        var path = Session.Dir.Write("envelope.json", envelope.ToJson());

        var result = await Session.OpenWithNodeAsync(path, Session.Keys(), "--request-sha256", RequestHash, "--show-binding");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TenantFixture.Payload, result.StandardOutput);
        var binding = JsonNode.Parse(result.StandardError)!;
        Assert.Equal(2, (int)binding["version"]!);
        Assert.Equal(RequestHash, (string)binding["request_sha256"]!);
        Assert.Equal("2026-12-07T23:20:00.500Z", (string)binding["issued_at"]!);
        Assert.Equal("""{"paging":{"next_cursor":"00u-next"},"rate_limit":{"limit":"600","remaining":"599","reset":"1796688000"}}""", (string)binding["extras"]!);
    }

    [Theory]
    [InlineData("paging.next_cursor")]
    [InlineData("rate_limit.remaining")]
    [InlineData("error (added)")]
    [InlineData("request_sha256")]
    [InlineData("issued_at")]
    [InlineData("version (removed)")]
    public async Task CSharpSealedV2Envelope_WithATamperedSignedMember_IsRejectedByNode(string what)
    {
        var json = JsonNode.Parse(Session.Tenant.SealV2(RequestHash, IssuedAt, nextCursor: "00u-next", rateLimit: Limits).ToJson())!.AsObject();
        switch (what)
        {
            case "paging.next_cursor": json["paging"]!["next_cursor"] = "00u-attacker"; break;
            case "rate_limit.remaining": json["rate_limit"]!["remaining"] = "0"; break;
            case "error (added)": json["error"] = new JsonObject { ["type"] = "upstream_error", ["message"] = "spoofed" }; break;
            case "request_sha256": json["request_sha256"] = new string('0', 64); break;
            case "issued_at": json["issued_at"] = "2026-12-07T23:59:59.000Z"; break;
            case "version (removed)": json.Remove("version"); break;
        }

        var result = await Session.OpenWithNodeAsync(Session.Dir.Write("tampered.json", json.ToJsonString()));

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("SignatureInvalid", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeSealedV2Envelope_OpensWithSdk_UnderTheBindingChecks_AndIsRefusedForAnotherRequest()
    {
        var envelopeJson = await SealV2WithNodeAsync(DateTimeOffset.UtcNow);
        using var encryption = Session.Tenant.CreateEncryption(expectedTenantId: TenantFixture.TenantId);
        var envelope = HybridEnvelope.FromJson(envelopeJson);

        var opened = encryption.Open(envelope, encryption.Expectations(RequestHash));
        var other = Assert.Throws<EnvelopeVerificationException>(
            () => encryption.Open(envelope, encryption.Expectations(EnvelopeRequestHash.ForProxy("int_01JINTEROP", "list_users", """{"limit":3}"""))));

        Assert.Equal(TenantFixture.Payload, opened.Plaintext);
        Assert.Equal("00u-node", opened.Verified.NextCursor);
        Assert.Equal("599", opened.Verified.RateLimit!.Value.GetProperty("remaining").GetString());
        Assert.Equal(EnvelopeRejectionReason.RequestMismatch, other.Reason);
    }

    [Fact]
    public async Task NodeSealedV2Envelope_OpensWithCli_UnderTheBindingChecks_AndAStaleOneIsRejected()
    {
        var fresh = Session.Dir.Write("fresh.json", await SealV2WithNodeAsync(DateTimeOffset.UtcNow));
        var stale = Session.Dir.Write("stale.json", await SealV2WithNodeAsync(DateTimeOffset.UtcNow.AddHours(-1)));

        var opened = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(fresh, Session.Keys(), "--request-sha256", RequestHash, "--max-age", "300"));
        var refused = await CliHarness.RunInProcessAsync(CliHarness.OpenArgs(stale, Session.Keys(), "--max-age", "300"));

        Assert.True(opened.ExitCode == 0, opened.ToString());
        Assert.Equal(Encoding.UTF8.GetString(TenantFixture.Payload), opened.StandardOutput);
        Assert.Equal(2, refused.ExitCode);
        Assert.Empty(refused.StandardOutput);
        Assert.Contains("OutsideTimeWindow", refused.StandardError, StringComparison.Ordinal);
    }


    private Task<string> SealV2WithNodeAsync(DateTimeOffset issuedAt) =>
        Session.SealWithNodeAsync(
            TenantFixture.Payload,
            "--request-sha256", RequestHash,
            "--issued-at", issuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            "--next-cursor", "00u-node",
            "--rate-limit", """{"limit":"600","remaining":"599"}""");
}
