using System.CommandLine;
using System.Globalization;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Emulators;

/// <summary>
/// <c>dotnet run --project tests/Emulators/QuantaSeal.Emulators -- auth0 [--urls http://127.0.0.1:4010]</c> or
/// <c>-- okta [--urls http://127.0.0.1:4020]</c> (<c>--help</c> lists the options). (A named class rather than
/// top-level statements, so test projects that reference both the server and the emulators see one <c>Program</c>.)
/// </summary>
public static class EmulatorProgram
{
    /// <summary>Parses and runs a standalone emulator; returns the exit code (2 for a usage error).</summary>
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Local Auth0 and Okta emulators for the README demo (test credentials only).")
        {
            Auth0Emulator.CreateCommand(),
            OktaEmulator.CreateCommand(),
        };
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync("emulators: " + error.Message).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Run with --help for usage.").ConfigureAwait(false);
            return 2;
        }

        // The emulator's host turns Ctrl+C and SIGTERM into a graceful stop itself.
        return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary><c>--token-lifetime SECONDS</c> (positive), shared by both emulators; null keeps the emulator's default.</summary>
    internal static Option<int?> TokenLifetimeOption() =>
        AtLeast(new Option<int?>("--token-lifetime") { Description = "Lifetime of issued access tokens, in seconds." }, 1, "--token-lifetime must be a positive number of seconds");

    /// <summary>Refuses an integer below <paramref name="minimum"/>; a value that is not an integer is the parser's error.</summary>
    internal static TOption AtLeast<TOption>(TOption option, int minimum, string message)
        where TOption : Option
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < minimum)
            {
                result.AddError(message);
            }
        });
        return option;
    }
}
