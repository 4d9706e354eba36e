using System.Text.RegularExpressions;
using QuantaSeal.Client.Tests.Infrastructure;

namespace QuantaSeal.Client.Tests.Interop;

/// <summary>
/// The independent Node.js envelope implementation in tests/interop. Requires Node.js >= 20.19 and npm; runs
/// <c>npm ci</c> once when node_modules is missing. A missing or too old Node.js FAILS the interop tests with
/// a message saying what to install — they are never skipped.
/// </summary>
public sealed partial class NodeInterop : IAsyncLifetime
{
    private static readonly Version MinimumNode = new(20, 19);

    // Several test classes share the Node project; only one of them may run 'npm ci' at a time.
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private readonly string _directory = RepoPaths.Interop;

    public string Directory => _directory;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        ProcessResult version;
        try
        {
            version = await ProcessRunner.RunAsync("node", ["--version"], Directory, null, ct);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                "The envelope interop tests need Node.js >= 20.19 and npm on PATH (e.g. 'apt-get install nodejs npm' or nodesource). " + ex.Message, ex);
        }

        var match = NodeVersion().Match(version.StandardOutputText);
        if (version.ExitCode != 0 || !match.Success
            || new Version(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) < MinimumNode)
        {
            throw new InvalidOperationException(
                $"The envelope interop tests need Node.js >= {MinimumNode} (@noble/post-quantum 0.7.1); found '{version.StandardOutputText.Trim()}'.");
        }

        await InstallLock.WaitAsync(ct);
        try
        {
            if (!File.Exists(Path.Combine(Directory, "node_modules", "@noble", "post-quantum", "package.json")))
            {
                var install = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], Directory, null, ct);
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"'npm ci' in {Directory} failed ({install.ExitCode}): {install.StandardError}");
                }
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    internal Task<ProcessResult> RunAsync(string script, IEnumerable<string> arguments, byte[]? standardInput = null) =>
        ProcessRunner.RunAsync("node", [Path.Combine(_directory, script), .. arguments], _directory, standardInput, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [GeneratedRegex(@"^v(\d+)\.(\d+)\.")]
    private static partial Regex NodeVersion();
}
