using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Tests.Streaming;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// One silo configured as the server configures it in PostgreSQL mode (storage, durable audit streams, chain tables,
/// AddQuantaSeal), on a fresh database, with checkpoints every <see cref="CheckpointEvery"/> events.
/// </summary>
public sealed class AuditChainClusterFixture : IAsyncLifetime
{
    internal const int CheckpointEvery = 40;

    /// <summary>Events per verification call: small, so the tests' chains take several calls to verify.</summary>
    internal const int VerifyPage = 32;

    public PostgresTestDatabase Database { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        Cluster = await StartAsync(Database.ConnectionString);
    }

    /// <summary>Starts a silo on <paramref name="connectionString"/> (tests that restart the silo call this again).</summary>
    internal static async Task<InProcessTestCluster> StartAsync(
        string connectionString, string? serviceId = null, Action<AuditChainOptions>? configureChain = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        if (serviceId is not null)
        {
            // Grain state and stream queues are keyed by the service id: a restarted silo must keep it.
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSilo((_, silo) =>
        {
            // The streaming tests' probe grain also subscribes to the audit namespace in this test assembly: give it
            // what it needs, or its failing activations would hold up every audit stream.
            silo.Services.AddSingleton(new AuditStreamProbe());
            silo.UseQuantaSealPostgres(connectionString);
            silo.AddQuantaSealAuditPostgres(connectionString);
            silo.AddQuantaSeal(o => o.KeyWrapProviderFactory = _ => new LocalKeyWrapProvider(ClusterFixture.MasterKey));
            silo.Services.Configure<AuditChainOptions>(o =>
            {
                o.CheckpointEveryEvents = CheckpointEvery;
                o.CheckpointInterval = TimeSpan.FromSeconds(1);
                o.VerifyPageEvents = VerifyPage;
                configureChain?.Invoke(o);
            });
            configureServices?.Invoke(silo.Services);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The events creating a tenant puts in its chain first: the tenant grain's tenant.create intent and outcome.</summary>
    internal const int CreationEvents = 2;

    /// <summary>Creates a tenant (its signing key signs the checkpoints; its chain starts with <see cref="CreationEvents"/> events) and returns its id.</summary>
    internal static async Task<string> CreateTenantAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        await client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("acme", "live"), cancellationToken);

        // Wait (against a deadline) until the creation's own events are chained, so a test that reads the head next
        // counts from after them instead of racing their delivery.
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        var reader = client.GetGrain<IAuditReaderGrain>(tenantId);
        await WaitUntil.TrueAsync(
            async () => await reader.GetLastSeqAsync(cancellationToken) >= CreationEvents,
            TimeSpan.FromSeconds(30),
            () => $"the creation events of {tenantId} chained",
            cancellationToken);
        RequestContext.Clear();
        return tenantId;
    }

    /// <summary>A valid event of <paramref name="tenantId"/>.</summary>
    internal static AuditEvent NewEvent(string tenantId, string action = AuditActions.ProxyOutbound, string outcome = AuditOutcomes.Success) =>
        new(AuditIds.New(), tenantId, null, DateTimeOffset.UtcNow, "ak_test", action, "int_test", "get_users", outcome, 200, new string('a', 64), 12);

    /// <summary>Runs SQL as the database owner (tamper tests).</summary>
    internal async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
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
