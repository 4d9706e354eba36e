namespace QuantaSeal.Client.Tests.Infrastructure;

/// <summary>One test's tenant (keys and sealer) and a scratch directory that holds the tenant's key files.</summary>
internal sealed class TenantWorkspace : IDisposable
{
    public TenantWorkspace() => Keys = Tenant.WriteKeyFiles(Dir);

    public TenantFixture Tenant { get; } = new();

    public TempDirectory Dir { get; } = new();

    /// <summary>The tenant's key files in <see cref="Dir"/>, as the CLI and open.mjs read them.</summary>
    public KeyFiles Keys { get; }

    public void Dispose()
    {
        Dir.Dispose();
        Tenant.Dispose();
    }
}
