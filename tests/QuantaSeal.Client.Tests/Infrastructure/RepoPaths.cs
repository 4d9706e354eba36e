namespace QuantaSeal.Client.Tests.Infrastructure;

/// <summary>Locations in the source tree, found by walking up from the test binaries to the solution file.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Interop => Path.Combine(Root, "tests", "interop");

    public static string GoldenVector => Path.Combine(Root, "tests", "QuantaSeal.Crypto.Tests", "Vectors", "envelope-v1.json");

    public static string GoldenVectorV2 => Path.Combine(Root, "tests", "QuantaSeal.Crypto.Tests", "Vectors", "envelope-v2.json");

    /// <summary>The CLI assembly copied next to the tests by the project reference.</summary>
    public static string CliAssembly => Path.Combine(AppContext.BaseDirectory, "QuantaSeal.Cli.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantaSeal.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find the repository root (QuantaSeal.Orleans.sln) above '{AppContext.BaseDirectory}'.");
    }
}
