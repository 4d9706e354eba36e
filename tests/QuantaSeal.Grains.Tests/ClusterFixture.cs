using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Tests.Streaming;

namespace QuantaSeal.Grains.Tests;

/// <summary>One in-process two-silo cluster per collection, built with the same AddQuantaSeal() the server uses.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal static readonly byte[] MasterKey = RandomNumberGenerator.GetBytes(32);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseQuantaSealInMemory();

            // The grains record their own audit events: without an audit transport every change fails closed.
            silo.AddQuantaSealAuditInMemory();

            // The streaming tests' probe grain also subscribes to the audit namespace in this assembly: give it what it
            // needs, or its failing activations would hold up every audit stream.
            silo.Services.AddSingleton(new AuditStreamProbe());
            silo.AddQuantaSeal(o => o.KeyWrapProviderFactory = _ => new LocalKeyWrapProvider(MasterKey));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
