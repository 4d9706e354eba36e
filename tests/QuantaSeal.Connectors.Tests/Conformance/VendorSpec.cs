namespace QuantaSeal.Connectors.Tests.Conformance;

/// <summary>A vendor's published OpenAPI document from <c>../shared/specs</c> beside the repository root.</summary>
internal sealed class VendorSpec
{
    /// <summary>The folder holding <c>QuantaSeal.Orleans.sln</c>, above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QuantaSeal.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No QuantaSeal.Orleans.sln above {AppContext.BaseDirectory}: cannot find the repository root (and ../shared/specs beside it).");
    }
}
