using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.TestingHost;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>Builds in-process clusters whose silos are configured the way the server configures them.</summary>
internal static class AuditStreamTestCluster
{
    /// <summary>
    /// The production tuning with failures made quick: a throwing consumer is given up on (its message dead-lettered)
    /// after 1 s. Healthy delivery is tuned exactly as in production.
    /// </summary>
    internal static AuditStreamSettings TestSettings { get; } = AuditStreamSettings.Default with
    {
        MaxEventDeliveryTime = TimeSpan.FromSeconds(1),

        // These tests pin the provider's per-message semantics (a throwing consumer holds back only its own message).
        // Production hands the chain up to 16 messages per delivery; the chain never throws for a bad event, only when
        // its store is down, and then every message fails alike.
        DeliveryBatch = 1,
    };

    /// <summary>
    /// Starts <paramref name="silos"/> silos with UseQuantaSealPostgres on <paramref name="connectionString"/> and the
    /// audit streams on <paramref name="streamConnectionString"/> (the same database unless given), or per silo name
    /// ("Silo_0", "Silo_1", ...) on what <paramref name="streamConnectionStringForSilo"/> returns.
    /// </summary>
    internal static async Task<InProcessTestCluster> StartPostgresAsync(
        string connectionString,
        AuditStreamProbe probe,
        AuditStreamSettings settings,
        short silos = 1,
        string? streamConnectionString = null,
        Action<ISiloBuilder>? configure = null,
        Func<string, string?>? streamConnectionStringForSilo = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.UseQuantaSealPostgres(connectionString);
            var streams = streamConnectionStringForSilo?.Invoke(options.SiloName) ?? streamConnectionString ?? connectionString;
            silo.AddQuantaSealAuditStreamsPostgres(streams, settings);
            silo.Services.AddSingleton(probe);
            AddChainDependencies(silo);
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Same, in memory (UseQuantaSealInMemory + memory streams).</summary>
    internal static async Task<InProcessTestCluster> StartInMemoryAsync(AuditStreamProbe probe)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseQuantaSealInMemory();
            silo.AddQuantaSealAuditStreamsInMemory();
            silo.Services.AddSingleton(probe);
            AddChainDependencies(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// The product's AuditChainGrain subscribes to the same namespace in every silo that loads QuantaSeal.Grains, so
    /// these clusters give it what it needs (chains kept in memory; checkpoints for these made-up tenants are skipped).
    /// </summary>
    private static void AddChainDependencies(ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<IAuditStore, InMemoryAuditStore>();
        silo.Services.TryAddSingleton<IKeyWrapProvider>(new LocalKeyWrapProvider(ClusterFixture.MasterKey));
        silo.Services.TryAddSingleton(TimeProvider.System);
    }

    /// <summary>A fresh tenant id (tests never share streams).</summary>
    internal static string NewTenant() => $"ten_{Guid.NewGuid():N}";

    /// <summary>An event stamped with the current time (the probe measures latency from it).</summary>
    internal static AuditEvent NewEvent(string tenantId, string operation = "get_users") =>
        new(AuditIds.New(), tenantId, null, TimeProvider.System.GetUtcNow(), "key_test", AuditActions.ProxyOutbound,
            "int_test", operation, AuditOutcomes.Success, 200, null, 1);
}
