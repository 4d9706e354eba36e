using System.CommandLine;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Bench;

/// <summary>
/// <c>bench</c>: BenchmarkDotNet in this process (in-process toolchain: no second build of the solution on a 2-core
/// machine; the default job, about 3 minutes: a short run is too noisy on a shared 2-core machine). Extra arguments go to
/// BenchmarkDotNet (e.g. <c>--filter *ChainStep*</c>); results land in artifacts/benchmarks (git-ignored).
/// </summary>
internal static class BenchCommand
{
    /// <summary>The <c>bench</c> subcommand: every argument after it is BenchmarkDotNet's.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Per-event CPU cost of the chain (BenchmarkDotNet; extra arguments go to it, e.g. --filter '*ChainStep*').")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse => Run([.. parse.UnmatchedTokens]));
        return command;
    }

    private static int Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Repository.Root, "artifacts", "benchmarks"));
        var summaries = BenchmarkSwitcher.FromTypes([typeof(AuditHashBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
