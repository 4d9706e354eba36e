using System.Text.Json.Nodes;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>
/// Issue 13 finding 10: a v2 envelope signs the request hash, the time of issue and the extras (error, paging,
/// rate_limit); a client's expectations (request hash, window) are checked after the signatures and before decryption.
/// </summary>
public sealed class EnvelopeV2Tests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 12, 7, 23, 20, 0, 123, TimeSpan.Zero);
    private static readonly string RequestHash = EnvelopeRequestHash.ForProxy("int_01JTEST", "list_users", """{"limit":2}""");
    private static readonly Dictionary<string, string> Limits = new(StringComparer.Ordinal) { ["limit"] = "50", ["remaining"] = "7", ["reset"] = "1796688000" };
    private static readonly string SuccessJson = SealV2(success: true, nextCursor: "00u-next", rateLimit: Limits).ToJson();
    private static readonly string FailureJson = SealV2(success: false, error: new EnvelopeError("upstream_rate_limited", "The upstream rate-limited the call.", 429), rateLimit: Limits).ToJson();

    [Fact]
    public void OpenVerified_ReturnsPlaintext_AndTheSignedBindingAndExtras()
    {
        var opened = HybridEnvelopeOpener.OpenVerified(HybridEnvelope.FromJson(SuccessJson), TestKeys.OpenKeys(), Expect());

        Assert.Equal(TestKeys.Plaintext, opened.Plaintext);
        Assert.Equal(2, opened.Verified.Version);
        Assert.Equal(RequestHash, opened.Verified.RequestSha256);
        Assert.Equal(IssuedAt, opened.Verified.IssuedAt);
        Assert.Equal("00u-next", opened.Verified.NextCursor);
        Assert.Equal("7", opened.Verified.RateLimit!.Value.GetProperty("remaining").GetString());
    }

    [Fact]
    public void Json_CarriesVersionBindingAndExtras_AtTheTopLevel()
    {
        var root = JsonNode.Parse(SuccessJson)!.AsObject();

        Assert.Equal(2, (int)root["version"]!);
        Assert.Equal(RequestHash, (string)root["request_sha256"]!);
        Assert.Equal("2026-12-07T23:20:00.123Z", (string)root["issued_at"]!);
        Assert.Equal("00u-next", (string)root["paging"]!["next_cursor"]!);
        Assert.Equal("version", root.First().Key);
    }

    [Theory]
    [InlineData("paging.next_cursor")]
    [InlineData("rate_limit.remaining")]
    [InlineData("paging (removed)")]
    [InlineData("rate_limit (added member)")]
    [InlineData("error (added)")]
    [InlineData("request_sha256")]
    [InlineData("issued_at")]
    public void Verify_Rejects_WhenASignedV2MemberOfASuccessIsTampered(string what)
    {
        var tampered = Edit(SuccessJson, root =>
        {
            switch (what)
            {
                case "paging.next_cursor": root["paging"]!["next_cursor"] = "00u-attacker"; break;
                case "rate_limit.remaining": root["rate_limit"]!["remaining"] = "5000"; break;
                case "paging (removed)": root.Remove("paging"); break;
                case "rate_limit (added member)": root["rate_limit"]!["retry_after"] = "0"; break;
                case "error (added)": root["error"] = new JsonObject { ["type"] = "upstream_error", ["message"] = "x" }; break;
                case "request_sha256": root["request_sha256"] = EnvelopeRequestHash.ForProxy("int_01JTEST", "delete_user", null); break;
                case "issued_at": root["issued_at"] = "2026-12-07T23:59:00.123Z"; break;
            }
        });

        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Verify(tampered, TestKeys.OpenKeys()));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Theory]
    [InlineData("error.message")]
    [InlineData("error.upstream_status")]
    [InlineData("error (removed)")]
    [InlineData("rate_limit (removed)")]
    public void Verify_Rejects_WhenTheSignedExtrasOfAFailureAreTampered(string what)
    {
        var tampered = Edit(FailureJson, root =>
        {
            switch (what)
            {
                case "error.message": root["error"]!["message"] = "Everything is fine."; break;
                case "error.upstream_status": root["error"]!["upstream_status"] = 200; break;
                case "error (removed)": root.Remove("error"); break;
                case "rate_limit (removed)": root.Remove("rate_limit"); break;
            }
        });

        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Verify(tampered, TestKeys.OpenKeys()));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public void Verify_Accepts_TheSameExtrasReorderedAndReescaped()
    {
        // What is signed is the canonical form, not the bytes on the wire: a proxy re-serialising the JSON changes nothing.
        var reordered = Edit(FailureJson, root =>
        {
            var rateLimit = root["rate_limit"]!.AsObject();
            root.Remove("rate_limit");
            root["rate_limit"] = new JsonObject(rateLimit.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        });

        var verified = HybridEnvelopeOpener.Verify(HybridEnvelope.FromJson(reordered.ToJson().Replace("\"7\"", "\"\\u0037\"", StringComparison.Ordinal)), TestKeys.OpenKeys());

        Assert.Equal(429, verified.Error!.UpstreamStatus);
    }

    [Fact]
    public void Verify_Rejects_AnEnvelopeAnsweringAnotherRequest_BeforeDecrypting()
    {
        var envelope = HybridEnvelope.FromJson(SuccessJson);
        var other = EnvelopeRequestHash.ForProxy("int_01JTEST", "list_users", """{"limit":3}""");

        // The wrong recipient key would fail decryption: RequestMismatch shows the binding is checked first.
        var ex = Assert.Throws<EnvelopeVerificationException>(
            () => HybridEnvelopeOpener.OpenVerified(envelope, TestKeys.OpenKeys(recipient: TestKeys.OtherRecipient), Expect(requestSha256: other)));

        Assert.Equal(EnvelopeRejectionReason.RequestMismatch, ex.Reason);
    }

    [Theory]
    [InlineData(-10, true)]   // issued 10 min before now: older than 5 min + 2 min skew
    [InlineData(-7.5, true)]
    [InlineData(-6.9, false)]
    [InlineData(0, false)]
    [InlineData(1.9, false)]  // from up to the skew ahead
    [InlineData(3, true)]     // from the future beyond the skew
    public void OpenVerified_ChecksIssuedAt_AgainstMaxAgeAndSkew(double issuedMinutesFromNow, bool rejected)
    {
        var envelope = HybridEnvelope.FromJson(SuccessJson);
        var expectations = Expect(now: IssuedAt.AddMinutes(-issuedMinutesFromNow));

        var ex = Record.Exception(() => HybridEnvelopeOpener.OpenVerified(envelope, TestKeys.OpenKeys(), expectations));

        if (rejected)
        {
            Assert.Equal(EnvelopeRejectionReason.OutsideTimeWindow, Assert.IsType<EnvelopeVerificationException>(ex).Reason);
        }
        else
        {
            Assert.Null(ex);
        }
    }

    [Fact]
    public void V1_StillOpens_ButOffersNoUnsignedExtras_AndFailsAnyBindingExpectation()
    {
        var v1 = HybridEnvelopeSealer.Seal(TestKeys.Input(success: false, error: new EnvelopeError("upstream_error", "hint", 502)), TestKeys.Signing, TestKeys.SigningKeyId, TestKeys.Hmac);

        var verified = HybridEnvelopeOpener.Verify(v1, TestKeys.OpenKeys());
        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Verify(v1, TestKeys.OpenKeys(), new EnvelopeExpectations { RequireVersion2 = true }));
        var bound = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Verify(v1, TestKeys.OpenKeys(), Expect()));

        Assert.Equal(1, verified.Version);
        Assert.Null(verified.Error);
        Assert.Null(verified.RequestSha256);
        Assert.Equal(EnvelopeRejectionReason.BindingMissing, ex.Reason);
        Assert.Equal(EnvelopeRejectionReason.BindingMissing, bound.Reason);
        Assert.Equal(TestKeys.Plaintext, HybridEnvelopeOpener.Open(v1, TestKeys.OpenKeys()));
    }

    [Fact]
    public void Verify_Rejects_AV2EnvelopeDowngradedToV1()
    {
        var downgraded = Edit(SuccessJson, root => root.Remove("version"));

        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Verify(downgraded, TestKeys.OpenKeys()));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Theory]
    [InlineData("version", "3")]
    [InlineData("version", "1")]
    [InlineData("issued_at", "\"2026-12-07T23:20:00Z\"")]
    [InlineData("issued_at", "\"2026-12-07T23:20:00.123+00:00\"")]
    [InlineData("issued_at", "\"2026-13-07T23:20:00.123Z\"")]
    [InlineData("request_sha256", "\"not hex\"")]
    [InlineData("request_sha256", "\"caf\u00e9\"")]
    [InlineData("request_sha256", "null")]
    [InlineData("paging", "\"next\"")]
    [InlineData("rate_limit", "{\"remaining\":1.5}")]
    public void Verify_RejectsAsMalformed_AV2MemberOutOfItsForm(string member, string json)
    {
        var edited = Edit(SuccessJson, root => root[member] = JsonNode.Parse(json));

        var ex = Assert.Throws<EnvelopeVerificationException>(() => HybridEnvelopeOpener.Verify(edited, TestKeys.OpenKeys()));

        Assert.Equal(EnvelopeRejectionReason.Malformed, ex.Reason);
    }

    [Fact]
    public void Seal_RefusesExtrasWithoutABinding_AndABadRequestHash()
    {
        Assert.Throws<ArgumentException>(() => HybridEnvelopeSealer.Seal(TestKeys.Input() with { NextCursor = "x" }, TestKeys.Signing, TestKeys.SigningKeyId, TestKeys.Hmac));
        Assert.Throws<ArgumentException>(() => HybridEnvelopeSealer.Seal(
            TestKeys.Input() with { Binding = new EnvelopeBinding("with\ta tab", IssuedAt) }, TestKeys.Signing, TestKeys.SigningKeyId, TestKeys.Hmac));
    }

    [Fact]
    public void RequestHash_IsTheSha256OfIdOperationAndPayloadText()
    {
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("int_1\nget_users\n"u8)),
            EnvelopeRequestHash.ForProxy("int_1", "get_users", null));
        Assert.NotEqual(EnvelopeRequestHash.ForProxy("int_1", "get_users", """{"a":1}"""), EnvelopeRequestHash.ForProxy("int_1", "get_users", """{ "a":1}"""));
    }

    private static HybridEnvelope SealV2(bool success, EnvelopeError? error = null, string? nextCursor = null, IReadOnlyDictionary<string, string>? rateLimit = null) =>
        HybridEnvelopeSealer.Seal(
            TestKeys.Input(success: success, error: error) with { Binding = new EnvelopeBinding(RequestHash, IssuedAt), NextCursor = nextCursor, RateLimit = rateLimit },
            TestKeys.Signing,
            TestKeys.SigningKeyId,
            TestKeys.Hmac);

    private static EnvelopeExpectations Expect(string? requestSha256 = null, DateTimeOffset? now = null) => new()
    {
        RequestSha256 = requestSha256 ?? RequestHash,
        MaxAge = TimeSpan.FromMinutes(5),
        TimeProvider = new FixedTimeProvider(now ?? IssuedAt.AddSeconds(30)),
    };

    private static HybridEnvelope Edit(string json, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        return HybridEnvelope.FromJson(root.ToJsonString());
    }
}
