using QuantaSeal.Server.Hosting;
using QuantaSeal.Server.Security;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>Issue 13 finding 6: unsafe key files stop the start, non-zero, with the fix in the message.</summary>
public sealed class KeyFileStartTests
{
    private const string StrongOperatorKey = "qs_op_Xk3vQ9mT2pL7wR4zN8bY1cF6hJ0dS5gA-uE_tK9oWq";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string WriteFile(string dir, string name, string content, UnixFileMode mode)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content + "\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WorldReadable = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public async Task AWeakWorldReadableOperatorKey_StopsTheServer_WithBothFixes()
    {
        var dir = Directory.CreateTempSubdirectory("qs-keys-").FullName;
        WriteFile(dir, "operator.key", "qs_op_weakweakweak", WorldReadable);

        await using var server = ServerProcess.Launch(ServerProcess.MemoryArgs(dir));
        var exit = await server.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains("chmod 600", server.Output, StringComparison.Ordinal);
        Assert.Contains("too weak", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("qs_op_weakweakweak", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWorldReadableMasterKey_StopsTheServer_InsteadOfFailingEveryRequestLater()
    {
        var dir = Directory.CreateTempSubdirectory("qs-keys-").FullName;
        WriteFile(dir, "operator.key", StrongOperatorKey, Private);
        WriteFile(dir, "master.key", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 3)).ToArray()), WorldReadable);

        await using var server = ServerProcess.Launch(ServerProcess.MemoryArgs(dir));
        var exit = await server.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains("master key file", server.Output, StringComparison.Ordinal);
        Assert.Contains("chmod 600", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qs_op_weakweakweak", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("qs_op_abababababababababababababababab", false)]
    [InlineData("qs_live_" + StrongOperatorKey, false)]
    [InlineData("qs_test_" + StrongOperatorKey, false)]
    [InlineData("no-prefix-" + StrongOperatorKey, true)]
    [InlineData(StrongOperatorKey, true)]
    public void OperatorKeyStrength(string key, bool acceptable) =>
        Assert.Equal(acceptable, KeyFileChecks.OperatorKeyProblem(key) is null);

    [Fact]
    public void GeneratedOperatorKeys_AreAcceptable()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(KeyFileChecks.OperatorKeyProblem(OperatorKeyVerifier.NewKey()));
        }
    }
}
