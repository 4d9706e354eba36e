using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Tests.Streaming;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// One silo configured as the server's memory mode (UseQuantaSealInMemory, AddQuantaSealAuditInMemory, AddQuantaSeal):
/// real audit stream, chain grain and store, so a test reads back what the grains recorded. One silo because the
/// in-memory audit store lives in the silo (a second silo would have a chain store of its own).
/// </summary>
public sealed class InMemoryAuditClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseQuantaSealInMemory();
            silo.AddQuantaSealAuditInMemory();

            // The streaming tests' probe grain also subscribes to the audit namespace in this assembly: give it what it
            // needs, or its failing activations would hold up every audit stream.
            silo.Services.AddSingleton(new AuditStreamProbe());
            silo.AddQuantaSeal(o => o.KeyWrapProviderFactory = _ => new LocalKeyWrapProvider(ClusterFixture.MasterKey));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class InMemoryAuditClusterCollection : ICollectionFixture<InMemoryAuditClusterFixture>
{
    public const string Name = "in-memory-audit-cluster";
}
