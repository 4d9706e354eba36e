using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// The audit pipeline of a silo in one call: the audit stream provider (the transport from every action to its tenant's
/// <c>AuditChainGrain</c>) and the store the chains are written to. <c>AddQuantaSeal</c> adds the publisher.
/// </summary>
public static class AuditHosting
{
    /// <summary>
    /// Durable audit: QuantaSeal's audit queue stream provider (<see cref="AuditStreams.ProviderName"/>) on PostgreSQL
    /// (deploy/sql/0007) and the chain tables (deploy/sql/0006). The schema must be migrated (<c>AddQuantaSealMigrations</c>,
    /// <c>QuantaSeal.Server migrate</c>); the silo checks it at start. An event whose id was returned to a caller survives a crash.
    /// </summary>
    public static ISiloBuilder AddQuantaSealAuditPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddQuantaSealAuditStreamsPostgres(connectionString);
        var cs = PostgresConnectionStrings.WithSafeTimeouts(connectionString);
        silo.Services.TryAddSingleton<IAuditStore>(_ => new PostgresAuditStore(cs));
        return silo;
    }

    /// <summary>
    /// In-memory audit (the in-memory dev mode, single silo): memory streams and chains kept in this process. Nothing
    /// survives a restart.
    /// </summary>
    public static ISiloBuilder AddQuantaSealAuditInMemory(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddQuantaSealAuditStreamsInMemory();
        silo.Services.TryAddSingleton<IAuditStore, InMemoryAuditStore>();
        return silo;
    }
}
