using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>
/// rakyll/hey (Debian package <c>hey</c>): a closed-loop generator with <c>-c</c> workers for <c>-z</c> seconds that sends a
/// POST with a JSON body and headers and prints requests/s and a latency distribution. It runs as its own process,
/// so its CPU use is visible and the same for both transports.
/// </summary>
internal sealed partial class HeyGenerator(string executable) : ILoadGenerator
{
    public string Name => "hey (" + executable + ")";

    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "hey"))
        .FirstOrDefault(File.Exists);

    public async Task<LoadResult> RunAsync(ProxyTarget target, string transport, int round, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var bodyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(bodyFile, target.Body, cancellationToken);
        try
        {
            var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[]
            {
                "-z", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
                "-c", concurrency.ToString(CultureInfo.InvariantCulture),
                "-m", "POST", "-T", "application/json", "-D", bodyFile,
                "-H", "X-API-Key: " + target.ApiKey,
                "-t", "30",
                target.Url.AbsoluteUri,
            })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start hey");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var text = await output;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"hey exited with {process.ExitCode}: {await errors}");
            }

            return Parse(text, transport, round);
        }
        finally
        {
            File.Delete(bodyFile);
        }
    }

    /// <summary>Reads hey's summary: "Requests/sec:", the "50% in X secs" / "99% in X secs" lines and the status codes.</summary>
    internal static LoadResult Parse(string text, string transport, int round)
    {
        var rps = double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        double Percentile(string p)
        {
            var match = Regex.Match(text, @"\s" + p + @"% in ([0-9.]+) secs", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000 : double.NaN;
        }

        long total = 0, non2xx = 0;
        foreach (Match m in StatusLine().Matches(text))
        {
            var count = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            total += count;
            if (!m.Groups[1].Value.StartsWith('2'))
            {
                non2xx += count;
            }
        }

        // Transport errors (timeouts, resets) are listed separately and count as failures too.
        foreach (Match m in ErrorLine().Matches(text))
        {
            var count = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += count;
            non2xx += count;
        }

        return new LoadResult(transport, round, total, non2xx, rps, Percentile("50"), Percentile("99"));
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"\[(\d{3})\]\s+(\d+) responses", RegexOptions.CultureInvariant)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^\s*\[(\d+)\]\s+Post ", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
