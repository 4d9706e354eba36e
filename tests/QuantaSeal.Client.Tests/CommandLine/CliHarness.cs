using QuantaSeal.Cli;
using QuantaSeal.Client.Tests.Infrastructure;

namespace QuantaSeal.Client.Tests.CommandLine;

internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}; stderr: {StandardError}";
}

/// <summary>Runs the CLI in-process (real command tree, injected streams) or as a real process.</summary>
internal static class CliHarness
{
    public static async Task<CliResult> RunInProcessAsync(string[] args, byte[]? standardInput = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, () => new MemoryStream(standardInput ?? []));

        var exitCode = await QuantaSeal.Cli.Cli.RunAsync(args, console, TestContext.Current.CancellationToken);

        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public static Task<ProcessResult> RunProcessAsync(string[] args, string workingDirectory, byte[]? standardInput = null)
    {
        Assert.True(File.Exists(RepoPaths.CliAssembly), $"The CLI was not built next to the tests: {RepoPaths.CliAssembly}");
        return ProcessRunner.RunAsync("dotnet", [RepoPaths.CliAssembly, .. args], workingDirectory, standardInput, TestContext.Current.CancellationToken);
    }

    public static string[] OpenArgs(string envelopePath, KeyFiles keys, params string[] extra) =>
        ["envelope", "open", envelopePath, "--signing-key", keys.SigningPublicKey, "--hmac-key", keys.HmacKey, "--recipient-key", keys.RecipientPrivateKey, .. extra];
}
