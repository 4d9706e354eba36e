using System.CommandLine;
using QuantaSeal.Cli.Audit;
using QuantaSeal.Cli.Envelope;
using QuantaSeal.Cli.Keys;

namespace QuantaSeal.Cli;

/// <summary>
/// The <c>quantaseal</c> command tree. Everything runs through <see cref="RunAsync(string[], CliConsole, CancellationToken)"/>
/// so tests drive the real commands in-process with their own streams.
/// </summary>
internal static class Cli
{
    /// <summary>Runs the CLI against the given writers (standard input is empty).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, new CliConsole(stdout, stderr, () => Stream.Null));

    /// <summary>Parses and runs a command; returns the process exit code (<see cref="CliExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);

        var parseResult = BuildRootCommand(console).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors go to stderr only; stdout stays empty so a pipeline never mistakes them for output.
            foreach (var error in parseResult.Errors)
            {
                await console.Error.WriteLineAsync("quantaseal: " + error.Message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'quantaseal --help' for usage.").ConfigureAwait(false);
            return CliExitCodes.UsageOrIo;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await console.Error.WriteLineAsync("quantaseal: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unknown failures print only their type: their messages were not written with key material in mind.
            await console.Error.WriteLineAsync($"quantaseal: unexpected failure ({ex.GetType().Name}).").ConfigureAwait(false);
            return CliExitCodes.UsageOrIo;
        }
    }

    /// <summary>
    /// <c>quantaseal envelope open</c>, <c>quantaseal audit verify</c> / <c>verify-event</c> and
    /// <c>quantaseal keys recipient generate</c>.
    /// </summary>
    internal static RootCommand BuildRootCommand(CliConsole console) =>
        new("quantaseal: open QuantaSeal HybridCryptoEnvelopes, verify audit exports and events, and manage client keys offline.")
        {
            new Command("envelope", "Work with HybridCryptoEnvelopes.")
            {
                EnvelopeOpenCommand.Create(console),
            },
            new Command("audit", "Work with audit-chain exports.")
            {
                AuditVerifyCommand.Create(console),
                AuditVerifyEventCommand.Create(console),
            },
            new Command("keys", "Generate client key material.")
            {
                new Command("recipient", "The client's ML-KEM-768 recipient key that envelopes are sealed to.")
                {
                    RecipientKeyGenerateCommand.Create(console),
                    RecipientKeyProveCommand.Create(console),
                },
            },
        };
}
