using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Tests.Tenants;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Generate_Has256BitSecret_AndRoundTripsTheKeyId()
    {
        var (keyId, key) = ApiKeyFormat.Generate("live");

        Assert.Equal(ApiKeyFormat.KeyLength, key.Length);
        Assert.True(ApiKeyFormat.TryGetKeyId(key, out var parsed));
        Assert.Equal(keyId, parsed);
        var secret = System.Buffers.Text.Base64Url.DecodeFromChars(key.AsSpan(8 + 26 + 1));
        Assert.Equal(32, secret.Length);
    }

    [Fact]
    public void Generate_NeverRepeats()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.Generate("test").Key).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, keys.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("qs_live_")]
    [InlineData("sk_live_01JABCDEFGHJKMNPQRSTVWXYZ0_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("qs_live_01JABCDEFGHJKMNPQRSTVWXYZ0-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("qs_live_01JABCDEFGHJKMNPQRSTVWXYZ0_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void TryGetKeyId_RejectsMalformedKeys(string key) => Assert.False(ApiKeyFormat.TryGetKeyId(key, out _));

    [FsCheck.Xunit.Property]
    public bool TryGetKeyId_NeverThrows_AndYieldsAnIdOnlyOnSuccess(string? input)
    {
        var ok = ApiKeyFormat.TryGetKeyId(input, out var keyId);
        return ok == keyId.StartsWith(ApiKeyFormat.IdPrefix, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_DiffersForKeysDifferingInOneCharacter()
    {
        var (_, key) = ApiKeyFormat.Generate("live");
        var other = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');
        Assert.NotEqual(ApiKeyFormat.Hash(key), ApiKeyFormat.Hash(other));
    }
}
