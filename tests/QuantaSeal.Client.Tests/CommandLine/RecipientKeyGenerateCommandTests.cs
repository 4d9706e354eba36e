using QuantaSeal.Client.Encryption;
using QuantaSeal.Client.Tests.Infrastructure;

namespace QuantaSeal.Client.Tests.CommandLine;

/// <summary><c>quantaseal keys recipient generate</c>, in-process.</summary>
public sealed class RecipientKeyGenerateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Generate_WritesOwnerOnlySeedFile_AndPrintsPublicKey()
    {
        var secret = _dir.File("secret.b64");
        var publicFile = _dir.File("public.b64");

        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "generate", "--out", secret, "--public-out", publicFile]);

        Assert.Equal(0, result.ExitCode);
        using var key = RecipientKey.Load(secret);
        Assert.Equal(key.PublicKeyBase64 + Environment.NewLine, result.StandardOutput);
        Assert.Equal(key.PublicKeyBase64, File.ReadAllText(publicFile).Trim());
        Assert.Equal(64, Convert.FromBase64String(File.ReadAllText(secret).Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        }
    }

    [Fact]
    public async Task Generate_Refuses_ToOverwriteExistingKey()
    {
        var secret = _dir.Write("secret.b64", "keep me");

        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "generate", "--out", secret]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Equal("keep me", File.ReadAllText(secret));
        Assert.Contains("--force", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_Refuses_BeforeWritingSecret_WhenPublicFileExists()
    {
        var secret = _dir.File("secret.b64");
        var publicFile = _dir.Write("public.b64", "existing");

        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "generate", "--out", secret, "--public-out", publicFile]);

        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(secret));
    }

    [Fact]
    public async Task Generate_WithForce_ReplacesExistingKey()
    {
        var secret = _dir.Write("secret.b64", "old");

        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "generate", "--out", secret, "--force"]);

        Assert.Equal(0, result.ExitCode);
        using var key = RecipientKey.Load(secret);
        Assert.Equal(key.PublicKeyBase64, result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Generate_ExitsOne_WhenOutIsMissing()
    {
        var result = await CliHarness.RunInProcessAsync(["keys", "recipient", "generate"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
    }

    public void Dispose() => _dir.Dispose();
}
