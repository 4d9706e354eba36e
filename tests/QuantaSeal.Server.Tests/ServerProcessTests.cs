using System.Net;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

/// <summary>The server as an operator runs it: a separate process, configured by its command line.</summary>
public sealed class ServerProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StorageMemory_QuickTrial_ServesTheApi_AndCreatesKeyFilesPrivately()
    {
        var dir = Directory.CreateTempSubdirectory("qs-trial-").FullName;
        await using var server = await ServerProcess.StartAsync(ServerProcess.MemoryArgs(dir), Ct);
        var operatorKey = (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), Ct)).Trim();

        var tenant = await server.Sdk(null).CreateTenantAsync(operatorKey, "trial", cancellationToken: Ct);
        var keys = await server.Sdk(tenant.ApiKey).GetKeysAsync(Ct);

        Assert.Equal(tenant.SigningKey.KeyId, keys.CurrentSigningKeyId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "operator.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "master.key")));
        Assert.DoesNotContain(operatorKey, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.ApiKey, server.Output, StringComparison.Ordinal);
        Assert.Contains("operator.key", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--storage", "bogus", "--storage must be")]
    [InlineData("--role", "everything", "--role must be")]
    [InlineData("--storage", "postgres", "--connection-string")]
    [InlineData("--silo-port", "0", "ServerOptions.SiloPort must be between 1 and 65535.")]
    [InlineData("--gateway-port", "many", "QuantaSeal:GatewayPort")]
    [InlineData("--QuantaSeal:Upstream:MaxRetries", "99", "UpstreamOptions.MaxRetries must be between 0 and 10.")]
    [InlineData("--QuantaSeal:Upstream:AttemptTimeout", "00:00:00", "UpstreamOptions.AttemptTimeout must be between")]
    [InlineData("--QuantaSeal:Audit:CheckpointEveryEvents", "0", "AuditChainOptions.CheckpointEveryEvents must be between 1 and 1000000.")]
    public async Task InvalidOptions_ExitWith2_AndSayWhatToFix(string option, string value, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("qs-bad-").FullName;
        var args = ServerProcess.MemoryArgs(dir).ToList();
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        await using var server = ServerProcess.Launch(args);
        var exit = await server.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains(expected, server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryStorage_ForgetsEverythingOnRestart()
    {
        var dir = Directory.CreateTempSubdirectory("qs-trial-").FullName;
        var args = ServerProcess.MemoryArgs(dir);
        string apiKey;
        var port = ServerProcess.FreePort();
        await using (var first = await ServerProcess.StartAsync(args, Ct, port))
        {
            var operatorKey = (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), Ct)).Trim();
            apiKey = (await first.Sdk(null).CreateTenantAsync(operatorKey, "gone", cancellationToken: Ct)).ApiKey;
            await first.StopAsync(Ct);
        }

        await using var second = await ServerProcess.StartAsync(args, Ct, port);
        var ex = await Assert.ThrowsAsync<QuantaSeal.Client.QuantaSealApiException>(() => second.Sdk(apiKey).GetKeysAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }
}
