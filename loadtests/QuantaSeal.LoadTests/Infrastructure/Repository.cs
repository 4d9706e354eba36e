using System.Reflection;

namespace QuantaSeal.LoadTests.Infrastructure;

/// <summary>Where the checkout and the other projects' build outputs are.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantaSeal.Orleans.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Repository root (QuantaSeal.Orleans.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The configuration this runner was built in (Release for measurements).</summary>
    public static string Configuration =>
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string ServerDll
    {
        get
        {
            var dll = Path.Combine(Root, "src", "QuantaSeal.Server", "bin", Configuration, "net10.0", "QuantaSeal.Server.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"Server build not found at {dll}; build with -c {Configuration} first.");
        }
    }
}
