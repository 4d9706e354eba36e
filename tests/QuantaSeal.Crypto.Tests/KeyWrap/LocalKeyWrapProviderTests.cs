using System.Security.Cryptography;
using QuantaSeal.Crypto.KeyWrap;

namespace QuantaSeal.Crypto.Tests.KeyWrap;

public sealed class LocalKeyWrapProviderTests
{
    private static readonly byte[] PrivateKey = RandomNumberGenerator.GetBytes(64);

    [Fact]
    public async Task WrapThenUnwrap_RoundTrips()
    {
        using var provider = LocalKeyWrapProvider.FromBase64(LocalKeyWrapProvider.GenerateMasterKeyBase64());
        var ct = TestContext.Current.CancellationToken;

        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);
        var unwrapped = await provider.UnwrapAsync("ten_a", "vault-kem", wrapped, ct);

        Assert.Equal(PrivateKey, unwrapped);
        Assert.Equal("local", wrapped.Provider);
        Assert.Equal(provider.KeyRef, wrapped.KeyRef);
        Assert.StartsWith("local:", wrapped.KeyRef, StringComparison.Ordinal);
        Assert.Equal(12 + PrivateKey.Length + 16, wrapped.Ciphertext.Length);
    }

    [Fact]
    public async Task DeriveTenantKey_MatchesTheSpecifiedHkdfChain()
    {
        // Test vector (not a real key): master = bytes 0x01..0x20; expected computed independently (Python hmac/hashlib)
        // as HKDF(HKDF(master, "QuantaSeal/v1/kek", tenant), "QuantaSeal/v1/tenant-subkey", label).
        using var provider = LocalKeyWrapProvider.FromBase64("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");

        var key = await provider.DeriveTenantKeyAsync("ten_vector", "QuantaSeal/v1/record-auth", TestContext.Current.CancellationToken);

        Assert.Equal("f65e7a6b77200a6bbb6fa26e483b58f15b02deafbed191519d2d199067373c84", Convert.ToHexStringLower(key));
    }

    [Fact]
    public async Task DeriveTenantKey_DiffersByTenantLabelAndMasterKey()
    {
        using var provider = NewProvider();
        using var other = NewProvider();
        var ct = TestContext.Current.CancellationToken;

        var key = await provider.DeriveTenantKeyAsync("ten_a", "label", ct);

        Assert.Equal(key, await provider.DeriveTenantKeyAsync("ten_a", "label", ct));
        Assert.NotEqual(key, await provider.DeriveTenantKeyAsync("ten_b", "label", ct));
        Assert.NotEqual(key, await provider.DeriveTenantKeyAsync("ten_a", "other-label", ct));
        Assert.NotEqual(key, await other.DeriveTenantKeyAsync("ten_a", "label", ct));
    }

    [Fact]
    public async Task Unwrap_Rejects_WhenTenantDiffers()
    {
        using var provider = NewProvider();
        var ct = TestContext.Current.CancellationToken;
        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);

        await Assert.ThrowsAsync<KeyWrapException>(async () => await provider.UnwrapAsync("ten_b", "vault-kem", wrapped, ct));
    }

    [Fact]
    public async Task Unwrap_Rejects_WhenPurposeDiffers()
    {
        using var provider = NewProvider();
        var ct = TestContext.Current.CancellationToken;
        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);

        await Assert.ThrowsAsync<KeyWrapException>(async () => await provider.UnwrapAsync("ten_a", "signing", wrapped, ct));
    }

    [Fact]
    public async Task Unwrap_Rejects_WhenMasterKeyDiffers_WithClearMessage()
    {
        using var provider = NewProvider();
        using var other = NewProvider();
        var ct = TestContext.Current.CancellationToken;
        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);

        var ex = await Assert.ThrowsAsync<KeyWrapException>(async () => await other.UnwrapAsync("ten_a", "vault-kem", wrapped, ct));

        Assert.Contains("master key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwrap_Rejects_WhenMasterKeyDiffersButKeyRefForged()
    {
        using var provider = NewProvider();
        using var other = NewProvider();
        var ct = TestContext.Current.CancellationToken;
        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);

        await Assert.ThrowsAsync<KeyWrapException>(async () => await other.UnwrapAsync("ten_a", "vault-kem", wrapped with { KeyRef = other.KeyRef }, ct));
    }

    [Fact]
    public async Task Unwrap_Rejects_WhenCiphertextTampered()
    {
        using var provider = NewProvider();
        var ct = TestContext.Current.CancellationToken;
        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);
        var tampered = (byte[])wrapped.Ciphertext.Clone();
        tampered[20] ^= 1;

        await Assert.ThrowsAsync<KeyWrapException>(async () => await provider.UnwrapAsync("ten_a", "vault-kem", wrapped with { Ciphertext = tampered }, ct));
    }

    [Fact]
    public async Task Unwrap_Rejects_WhenProviderDiffers()
    {
        using var provider = NewProvider();
        var ct = TestContext.Current.CancellationToken;
        var wrapped = await provider.WrapAsync("ten_a", "vault-kem", PrivateKey, ct);

        await Assert.ThrowsAsync<KeyWrapException>(async () => await provider.UnwrapAsync("ten_a", "vault-kem", wrapped with { Provider = "aws-kms" }, ct));
    }

    [Fact]
    public void KeyRef_IsStableForTheSameMasterKey()
    {
        var master = LocalKeyWrapProvider.GenerateMasterKeyBase64();
        using var a = LocalKeyWrapProvider.FromBase64(master);
        using var b = LocalKeyWrapProvider.FromBase64(master);

        Assert.Equal(a.KeyRef, b.KeyRef);
        Assert.Matches("^local:[0-9a-f]{16}$", a.KeyRef);
    }

    [Fact]
    public async Task FromFile_LoadsOwnerOnlyFile_WithSurroundingWhitespace()
    {
        var master = LocalKeyWrapProvider.GenerateMasterKeyBase64();
        var path = WriteKeyFile("  " + master + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            using var fromFile = LocalKeyWrapProvider.FromFile(path);
            using var fromText = LocalKeyWrapProvider.FromBase64(master);
            var ct = TestContext.Current.CancellationToken;

            var wrapped = await fromFile.WrapAsync("ten_a", "p", PrivateKey, ct);

            Assert.Equal(PrivateKey, await fromText.UnwrapAsync("ten_a", "p", wrapped, ct));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromFile_Rejects_WrongLengthWithoutEchoingContent()
    {
        var content = Convert.ToBase64String(new byte[31]);
        var path = WriteKeyFile(content, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            var ex = Assert.Throws<KeyWrapException>(() => LocalKeyWrapProvider.FromFile(path));

            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(content, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromFile_Rejects_GroupOrWorldReadableFile_UnlessAllowed()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions only.");
        var path = WriteKeyFile(LocalKeyWrapProvider.GenerateMasterKeyBase64(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            Assert.Throws<KeyWrapException>(() => LocalKeyWrapProvider.FromFile(path));
            using var allowed = LocalKeyWrapProvider.FromFile(path, allowGroupOrOtherRead: true);
            Assert.NotNull(allowed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromFile_Rejects_WorldWritableFile_Always()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions only.");
        var path = WriteKeyFile(LocalKeyWrapProvider.GenerateMasterKeyBase64(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);
        try
        {
            Assert.Throws<KeyWrapException>(() => LocalKeyWrapProvider.FromFile(path, allowGroupOrOtherRead: true));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromFile_Rejects_MissingFile()
    {
        Assert.Throws<KeyWrapException>(() => LocalKeyWrapProvider.FromFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public void FromBase64_Rejects_NonBase64()
    {
        Assert.Throws<KeyWrapException>(() => LocalKeyWrapProvider.FromBase64("not base64!"));
    }

    [Fact]
    public void Constructor_Rejects_WrongLength()
    {
        Assert.Throws<ArgumentException>(() => new LocalKeyWrapProvider(new byte[16]));
    }

    private static LocalKeyWrapProvider NewProvider() => new(RandomNumberGenerator.GetBytes(32));

    private static string WriteKeyFile(string content, UnixFileMode mode)
    {
        var path = Path.Combine(Path.GetTempPath(), "qs-master-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }
}
