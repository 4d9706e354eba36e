using QuantaSeal.LoadTests.Bench;
using QuantaSeal.LoadTests.Chain;
using QuantaSeal.LoadTests.Infrastructure;
using QuantaSeal.LoadTests.Proxy;

namespace QuantaSeal.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project loadtests/QuantaSeal.LoadTests -- chain|proxy|bench|faults [--option value ...]</c>
/// (loadtests/README.md lists the options and what each scenario measures).
/// </summary>
internal static class LoadTestProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return args[0] switch
            {
                "chain" => await new ChainScenario(ChainSettings.From(new CommandArgs(args[1..]))).RunAsync(cancel.Token),
                "proxy" => await new ProxyScenario(ProxySettings.From(new CommandArgs(args[1..]))).RunAsync(cancel.Token),
                "bench" => BenchCommand.Run(args[1..]),
                "faults" => await new Faults.DatabaseOutageScenario(new CommandArgs(args[1..])).RunAsync(cancel.Token),
                _ => Usage(),
            };
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("loadtests: " + ex.Message);
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: QuantaSeal.LoadTests chain|proxy|bench|faults [--option value ...]  (see loadtests/README.md)");
        return 2;
    }
}
