using Orleans.TestingHost;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// One single-silo cluster on a fresh PostgreSQL database with the durable audit streams
/// (<see cref="AuditStreamTestCluster.TestSettings"/>), shared by the stream tests that do not stop silos.
/// </summary>
public sealed class AuditStreamFixture : IAsyncLifetime
{
    public PostgresTestDatabase Database { get; } = new();

    public AuditStreamProbe Probe { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        Cluster = await AuditStreamTestCluster.StartPostgresAsync(Database.ConnectionString, Probe, AuditStreamTestCluster.TestSettings);
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AuditStreamCollection : ICollectionFixture<AuditStreamFixture>
{
    public const string Name = "audit-streams";
}
