using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.Encryption;

public sealed class RecipientKeyTests
{
    [Fact]
    public void Generate_ExposesStandardPublicKey()
    {
        using var key = RecipientKey.Generate();

        Assert.Equal(PqcSizes.MlKem768PublicKey, key.PublicKey.Length);
        Assert.Equal(key.PublicKey, Convert.FromBase64String(key.PublicKeyBase64));
        Assert.True(key.HasSeed);
    }

    [Fact]
    public void ExportSeedBase64_ThenFromBase64_RestoresTheSameKey()
    {
        using var key = RecipientKey.Generate();

        var seed = key.ExportSeedBase64();
        using var restored = RecipientKey.FromBase64(seed);

        Assert.Equal(PqcSizes.MlKem768Seed, Convert.FromBase64String(seed).Length);
        Assert.Equal(key.PublicKeyBase64, restored.PublicKeyBase64);
    }

    [Fact]
    public void FromBase64_AcceptsExpandedPrivateKey()
    {
        using var original = MlKem768KeyPair.Generate();

        using var key = RecipientKey.FromBase64(Convert.ToBase64String(original.ExportExpandedPrivateKey()));

        Assert.Equal(original.PublicKey, key.PublicKey);
        Assert.False(key.HasSeed);
        Assert.Throws<InvalidOperationException>(() => key.ExportSeedBase64());
        Assert.Equal(original.ExportExpandedPrivateKey(), Convert.FromBase64String(key.ExportPrivateKeyBase64()));
    }

    [Theory]
    [InlineData("not base64")]
    [InlineData("AAAA")]
    [InlineData("c2VjcmV0LXNlZWQtbWF0ZXJpYWw=")]
    public void FromBase64_Rejects_InvalidKey_WithoutEchoingIt(string text)
    {
        var ex = Assert.Throws<FormatException>(() => RecipientKey.FromBase64(text));

        Assert.DoesNotContain(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_WritesOwnerOnlyFile_ThatLoadRestores()
    {
        using var dir = new TempDirectory();
        using var key = RecipientKey.Generate();
        var path = dir.File("recipient.b64");

        key.Save(path);
        using var loaded = RecipientKey.Load(path);

        Assert.Equal(key.PublicKeyBase64, loaded.PublicKeyBase64);
        Assert.Equal(key.ExportSeedBase64() + "\n", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Save_Refuses_ToOverwriteByDefault()
    {
        using var dir = new TempDirectory();
        using var key = RecipientKey.Generate();
        var path = dir.Write("recipient.b64", "existing");

        Assert.Throws<IOException>(() => key.Save(path));
        Assert.Equal("existing", File.ReadAllText(path));
    }

    [Fact]
    public void Save_WithOverwrite_ReplacesFileAndKeepsOwnerOnlyMode()
    {
        using var dir = new TempDirectory();
        using var key = RecipientKey.Generate();
        var path = dir.Write("recipient.b64", "existing");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        key.Save(path, overwrite: true);

        using var loaded = RecipientKey.Load(path);
        Assert.Equal(key.PublicKeyBase64, loaded.PublicKeyBase64);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Load_Rejects_FileWithWrongKeyLength_NamingTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteBase64("bad.b64", new byte[32]);

        var ex = Assert.Throws<FormatException>(() => RecipientKey.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }
}
