using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>
/// A two-silo TestCluster on a fresh PostgreSQL database, every silo configured with UseQuantaSealPostgres and the
/// client discovering gateways through the same membership table. The test-cluster membership shortcut is off, so
/// silos really join through the ADO.NET clustering provider.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    internal const string ConnectionStringKey = "QuantaSealTests:PostgresConnectionString";

    public PostgresTestDatabase Database { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public string ClusterId => Cluster.Options.ClusterId;

    public string ServiceId => Cluster.Options.ServiceId;

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties[ConnectionStringKey] = Database.ConnectionString;
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        builder.AddClientBuilderConfigurator<PostgresClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>The DI container of a running silo (TestCluster silos run in this process).</summary>
    public static IServiceProvider ServicesOf(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public sealed class PostgresSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.UseQuantaSealPostgres(ConnectionString(siloBuilder.Configuration));
    }

    public sealed class PostgresClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseQuantaSealPostgresClustering(ConnectionString(configuration));
    }

    private static string ConnectionString(IConfiguration configuration) =>
        configuration[ConnectionStringKey]
        ?? throw new InvalidOperationException($"The test cluster configuration lacks {ConnectionStringKey}.");
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "postgres-cluster";
}
