using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Security.Records;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Tests.Security;

/// <summary>The canonical bytes stored records are authenticated over (docs/hardening.md, finding 8).</summary>
public sealed class RecordMacTests
{
    private static readonly byte[] TestKey = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void Mac_OfAnApiKeyRecord_MatchesTheDocumentedEncoding()
    {
        // Test vector, computed independently (Python hmac/struct) from the encoding in docs/hardening.md.
        var state = new ApiKeyGrainState { TenantId = "ten_01J00000000000000000000000", KeyHash = [.. Enumerable.Repeat((byte)0xAA, 32)], Scopes = ["admin", "proxy"], RecordVersion = 3 };

        using var mac = new RecordMac(TestKey, ApiKeyRecord.Identity("ak_test", state));
        ApiKeyRecord.Fields(state)(mac);

        Assert.Equal("a8c48e8aad9cd5a699fd4f00e45dd470ac1627f0a96f690d4f0cb01e0a629bab", Convert.ToHexStringLower(mac.Finish()));
    }

    [Fact]
    public async Task Authenticator_BindsKindTenantIdAndVersion()
    {
        using var keyWrap = new LocalKeyWrapProvider(TestKey);
        var ct = TestContext.Current.CancellationToken;
        var identity = new RecordIdentity(RecordKinds.Integration, "ten_a", "int_a", 1);
        Action<RecordMac> fields = m => m.Add("same fields");

        var original = await RecordAuthenticator.ComputeAsync(keyWrap, identity, fields, ct);

        Assert.NotEqual(original, await RecordAuthenticator.ComputeAsync(keyWrap, identity with { Kind = RecordKinds.ApiKey }, fields, ct));
        Assert.NotEqual(original, await RecordAuthenticator.ComputeAsync(keyWrap, identity with { ObjectId = "int_b" }, fields, ct));
        Assert.NotEqual(original, await RecordAuthenticator.ComputeAsync(keyWrap, identity with { RecordVersion = 2 }, fields, ct));

        // Another tenant: another key and another tenant id in the bytes.
        Assert.NotEqual(original, await RecordAuthenticator.ComputeAsync(keyWrap, identity with { TenantId = "ten_b" }, fields, ct));
    }

    [Fact]
    public void Encoding_TellsApartValuesThatConcatenateAlike()
    {
        Assert.NotEqual(Mac(m => m.Add(["ab"])), Mac(m => m.Add(["a", "b"])));
        Assert.NotEqual(Mac(m => m.Add((string?)null)), Mac(m => m.Add(string.Empty)));
        Assert.NotEqual(Mac(m => m.Add((IReadOnlyCollection<string>?)null)), Mac(m => m.Add(Array.Empty<string>())));
        Assert.NotEqual(Mac(m => m.Add((DateTimeOffset?)null)), Mac(m => m.Add(DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Encoding_RefusesAStringThatIsNotValidUtf16()
    {
        Assert.Throws<System.Text.EncoderFallbackException>(() => Mac(m => m.Add("\uD800")));
    }

    private static string Mac(Action<RecordMac> fields)
    {
        using var mac = new RecordMac(TestKey, new RecordIdentity(RecordKinds.ApiKey, "ten_a", "ak_a", 1));
        fields(mac);
        return Convert.ToHexStringLower(mac.Finish());
    }
}
