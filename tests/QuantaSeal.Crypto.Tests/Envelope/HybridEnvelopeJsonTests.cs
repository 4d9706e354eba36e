using System.Text.Json.Nodes;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Crypto.Tests.Envelope;

public sealed class HybridEnvelopeJsonTests
{
    private static readonly HybridEnvelope Sealed = TestKeys.Seal();

    [Fact]
    public void ToJson_UsesWirePropertyNamesInDesignOrder()
    {
        var json = JsonNode.Parse(Sealed.ToJson())!.AsObject();

        Assert.Equal(["success", "encrypted", "signature", "audit_event_id"], json.Select(p => p.Key));
        Assert.Equal(
            ["ciphertext_kem", "ciphertext_data", "nonce", "tenant_id", "algorithm", "recipient_key_id"],
            json["encrypted"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            ["pqc_signature", "hmac_signature", "tenant_id", "algorithm", "key_id"],
            json["signature"]!.AsObject().Select(p => p.Key));
        Assert.Equal("ML-KEM-768", (string?)json["encrypted"]!["algorithm"]);
        Assert.Equal("ML-DSA-65+HMAC-SHA-512", (string?)json["signature"]!["algorithm"]);
    }

    [Fact]
    public void ToJson_DoesNotEscapeBase64Characters()
    {
        var json = Sealed.ToJson();

        Assert.DoesNotContain("\\u002B", json, StringComparison.Ordinal);
        Assert.Contains(Sealed.Signature.PqcSignature, json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_OmitsError_WhenNull()
    {
        Assert.DoesNotContain("\"error\"", Sealed.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_WritesErrorWithOptionalUpstreamStatus()
    {
        var withStatus = Sealed with { Success = false, Error = new EnvelopeError("upstream_error", "Not found.", 404) };
        var withoutStatus = Sealed with { Success = false, Error = new EnvelopeError("operation_denied", "Denied.") };

        Assert.Contains("\"error\":{\"type\":\"upstream_error\",\"message\":\"Not found.\",\"upstream_status\":404}", withStatus.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"error\":{\"type\":\"operation_denied\",\"message\":\"Denied.\"}", withoutStatus.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_RoundTripsEveryField()
    {
        var withError = Sealed with { Error = new EnvelopeError("t", "m", 500) };

        Assert.Equal(withError, HybridEnvelope.FromJson(withError.ToJson()));
    }

    [Fact]
    public void FromJson_IgnoresUnknownMembers()
    {
        var json = JsonNode.Parse(Sealed.ToJson())!.AsObject();
        json["latency_ms"] = 12;

        Assert.Equal(Sealed, HybridEnvelope.FromJson(json.ToJsonString()));
    }

    [Theory]
    [InlineData("success")]
    [InlineData("encrypted")]
    [InlineData("signature")]
    [InlineData("audit_event_id")]
    public void FromJson_Throws_WhenRequiredMemberMissing(string member)
    {
        var json = JsonNode.Parse(Sealed.ToJson())!.AsObject();
        json.Remove(member);

        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(json.ToJsonString()));
    }

    [Theory]
    [InlineData("ciphertext_kem")]
    [InlineData("nonce")]
    [InlineData("tenant_id")]
    [InlineData("recipient_key_id")]
    public void FromJson_Throws_WhenNestedMemberMissingOrNull(string member)
    {
        var missing = JsonNode.Parse(Sealed.ToJson())!.AsObject();
        missing["encrypted"]!.AsObject().Remove(member);
        var nulled = JsonNode.Parse(Sealed.ToJson())!.AsObject();
        nulled["encrypted"]![member] = null;

        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(missing.ToJsonString()));
        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(nulled.ToJsonString()));
    }

    [Fact]
    public void FromJson_Throws_WhenMemberIsDuplicated()
    {
        var json = Sealed.ToJson();
        var duplicated = "{\"success\":false," + json[1..];

        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(duplicated));
    }

    [Fact]
    public void FromJson_Throws_WhenMemberNameCaseDiffers()
    {
        var json = Sealed.ToJson().Replace("\"audit_event_id\"", "\"Audit_Event_Id\"", StringComparison.Ordinal);

        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("{\"success\":\"true\"}")]
    public void FromJson_Throws_WhenNotAnEnvelope(string text)
    {
        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(text));
    }

    [Fact]
    public void FromJson_Throws_WhenSuccessIsNotBoolean()
    {
        var json = Sealed.ToJson().Replace("\"success\":true", "\"success\":1", StringComparison.Ordinal);

        Assert.Throws<EnvelopeFormatException>(() => HybridEnvelope.FromJson(json));
    }
}
