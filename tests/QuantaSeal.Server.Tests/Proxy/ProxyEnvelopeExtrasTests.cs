using System.Text.Json;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Server.Features.Proxy;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>
/// Issue 11 item 5: the proxy's answer is the sealer's envelope JSON with the clear extras appended in one pass (no
/// re-parse). The result must be one valid JSON object holding the envelope's members byte for byte and the extras
/// escaped like any JSON.
/// </summary>
public sealed class ProxyEnvelopeExtrasTests
{
    private const string Envelope = """{"version":"1.0","encrypted":{"ciphertext":"AAEC"},"signature":{"hmac":"q\u002Bw="}}""";

    [Fact]
    public void Extras_AreAppendedAsMembers_AndTheEnvelopeIsUnchanged()
    {
        var rateLimit = new Dictionary<string, string> { ["limit"] = "50", ["odd\"key"] = "a\\b\u0001" };
        var result = new ProxyResult("evt_1", true, Envelope, null, null, null, 200, null, "cur\"sor", rateLimit);

        var bytes = ProxyEndpoints.WithExtras(Envelope, result);

        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        Assert.Equal(["version", "encrypted", "signature", "paging", "rate_limit"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cur\"sor", root.GetProperty("paging").GetProperty("next_cursor").GetString());
        Assert.Equal("a\\b\u0001", root.GetProperty("rate_limit").GetProperty("odd\"key").GetString());
        Assert.Equal("50", root.GetProperty("rate_limit").GetProperty("limit").GetString());
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.StartsWith(Envelope[..^1] + ",", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyPaging_OrOnlyRateLimit_StillGivesOneObject()
    {
        var paging = ProxyEndpoints.WithExtras(Envelope, new ProxyResult("evt_1", true, Envelope, null, null, null, 200, null, "next", null));
        var limits = ProxyEndpoints.WithExtras(Envelope, new ProxyResult("evt_1", true, Envelope, null, null, null, 200, null, null, new Dictionary<string, string> { ["remaining"] = "9" }));

        using var a = JsonDocument.Parse(paging);
        using var b = JsonDocument.Parse(limits);
        Assert.False(a.RootElement.TryGetProperty("rate_limit", out _));
        Assert.Equal("next", a.RootElement.GetProperty("paging").GetProperty("next_cursor").GetString());
        Assert.False(b.RootElement.TryGetProperty("paging", out _));
        Assert.Equal("9", b.RootElement.GetProperty("rate_limit").GetProperty("remaining").GetString());
    }

    [Fact]
    public void NotAnObject_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => ProxyEndpoints.WithExtras("[1]", new ProxyResult("evt_1", true, "[1]", null, null, null, 200, null, "n", null)));
    }
}
