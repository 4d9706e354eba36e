using System.CommandLine;
using QuantaSeal.LoadTests.Bench;
using QuantaSeal.LoadTests.Chain;
using QuantaSeal.LoadTests.Proxy;

namespace QuantaSeal.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project loadtests/QuantaSeal.LoadTests -- chain|proxy|bench|faults [--option value ...]</c>
/// (<c>--help</c> on each lists its options; loadtests/README.md says what each scenario measures).
/// </summary>
internal static class LoadTestProgram
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("QuantaSeal load scenarios (see loadtests/README.md).")
        {
            ChainSettings.CreateCommand(),
            ProxySettings.CreateCommand(),
            BenchCommand.Create(),
            Faults.DatabaseOutageScenario.CreateCommand(),
        };
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync("loadtests: " + error.Message);
            }

            await Console.Error.WriteLineAsync("Run with --help for usage.");
            return 2;
        }

        // Ctrl+C cancels the run and lets it drop its scratch databases, however long that takes.
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("loadtests: " + ex.Message);
            return 2;
        }
    }
}
