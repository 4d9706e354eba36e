using System.Globalization;

namespace QuantaSeal.LoadTests.Infrastructure;

/// <summary>
/// Where the machine's CPU went during a measured run, from Linux's own accounting (<c>/proc/stat</c> and
/// <c>/proc/&lt;pid&gt;/stat</c>, user + system time): the measured server process, every <c>postgres</c> process, this
/// runner (it hosts the upstream emulator) and the rest of the busy time (the load generator, the idle second
/// server, the kernel's own threads). Divided by the requests served it is the CPU price of one request, which is what a
/// saturated machine's throughput follows.
/// </summary>
internal static class CpuMeter
{
    private static readonly double TicksPerMs = 100.0 / 1000; // USER_HZ is 100 on Linux.

    /// <summary>A reading of the counters, in clock ticks.</summary>
    internal sealed record Sample(long Busy, long Total, long Server, long Postgres, long Runner);

    /// <summary>CPU milliseconds by consumer between two samples.</summary>
    internal sealed record Usage(double BusyMs, double TotalMs, double ServerMs, double PostgresMs, double RunnerMs)
    {
        public double OtherMs => Math.Max(0, BusyMs - ServerMs - PostgresMs - RunnerMs);

        /// <summary>"server 3.10, postgres 0.41, runner 0.30, other 0.52 ms per request; 97 % busy".</summary>
        public string PerRequest(long requests) => requests <= 0
            ? "no requests"
            : string.Create(CultureInfo.InvariantCulture,
                $"server {ServerMs / requests:F2}, postgres {PostgresMs / requests:F2}, runner {RunnerMs / requests:F2}, other {OtherMs / requests:F2} ms CPU per request; machine {BusyMs / TotalMs * 100:F0} % busy");
    }

    public static Sample Read(int serverProcessId)
    {
        var (busy, total) = Machine();
        long postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            // A backend that exits takes its counters with it; its CPU moves to the postmaster's reaped-children
            // counters, so the sum over postgres processes of own + reaped-children time never goes backwards.
            if (name.Length > 0 && char.IsAsciiDigit(name[0]) && Process(dir) is ("postgres", var ticks, var children))
            {
                postgres += ticks + children;
            }
        }

        return new Sample(busy, total, Process("/proc/" + serverProcessId.ToString(CultureInfo.InvariantCulture))?.Ticks ?? 0,
            postgres, Process("/proc/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture))?.Ticks ?? 0);
    }

    public static Usage Between(Sample before, Sample after) => new(
        (after.Busy - before.Busy) / TicksPerMs,
        (after.Total - before.Total) / TicksPerMs,
        (after.Server - before.Server) / TicksPerMs,
        (after.Postgres - before.Postgres) / TicksPerMs,
        (after.Runner - before.Runner) / TicksPerMs);

    private static (long Busy, long Total) Machine()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal ...
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var v = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = v[3] + v[4];
            var total = v.Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>(command name, utime + stime, cutime + cstime of reaped children) of one process, or null if it is gone.</summary>
    private static (string Name, long Ticks, long ReapedChildrenTicks)? Process(string dir)
    {
        try
        {
            // pid (comm) state ppid ... field 14 utime, 15 stime, 16 cutime, 17 cstime; comm may hold spaces, so split
            // after the last ')'.
            var text = File.ReadAllText(Path.Combine(dir, "stat"));
            var open = text.IndexOf('(', StringComparison.Ordinal);
            var close = text.LastIndexOf(')');
            var rest = text[(close + 2)..].Split(' ');
            return (text[(open + 1)..close],
                long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture),
                long.Parse(rest[13], CultureInfo.InvariantCulture) + long.Parse(rest[14], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
