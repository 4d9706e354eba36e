using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Chooses where a silo keeps its cluster membership, grain state and reminders: PostgreSQL through the Orleans
/// ADO.NET providers (the default for the server), or memory (quick trials and unit tests).
/// </summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant the Orleans providers use to load Npgsql.</summary>
    internal const string Invariant = "Npgsql";

    /// <summary>
    /// Clustering, grain storage (<see cref="QuantaSealStorage.Name"/>, also the default provider) and reminders on
    /// PostgreSQL, all with the invariant <c>Npgsql</c>, plus the QuantaSeal grain-state serializer. The project's
    /// schema (deploy/sql) is migrated at the first silo lifecycle stage; a changed applied migration stops the
    /// silo from starting.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string; short timeouts are added unless it sets them.
    /// The role needs DDL rights on the database the first time (migrations) and DML rights afterwards.</param>
    public static ISiloBuilder UseQuantaSealPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cs = PostgresConnectionStrings.WithSafeTimeouts(connectionString);

        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(
            sp => new PostgresSchemaMigrationStartup(cs, sp.GetRequiredService<ILogger<PostgresSchemaMigrationStartup>>()));

        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = cs;
        });

        silo.AddAdoNetGrainStorage(QuantaSealStorage.Name, optionsBuilder =>
            optionsBuilder.Configure<QuantaSealGrainStateSerializer>((options, serializer) =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = cs;
                options.GrainStorageSerializer = serializer;
                // Clearing keeps the row (payload NULL, version + 1) so the etag never repeats.
                options.DeleteStateOnClear = false;
            }));

        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = cs;
        });

        QuantaSealStorage.AddStateConventions(silo.Services);
        return silo;
    }

    /// <summary>
    /// The in-memory counterpart of <see cref="UseQuantaSealPostgres"/>: localhost clustering, memory grain storage
    /// named <see cref="QuantaSealStorage.Name"/> (also the default), in-memory reminders and the same serializer,
    /// so state still round-trips through JSON. Nothing survives a restart.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="siloPort">Silo-to-silo port on 127.0.0.1 (localhost clustering sets the endpoints).</param>
    /// <param name="gatewayPort">Client gateway port on 127.0.0.1.</param>
    /// <remarks>Cluster and service ids are left to the caller's <see cref="ClusterOptions"/> ("dev" if unset).</remarks>
    public static ISiloBuilder UseQuantaSealInMemory(
        this ISiloBuilder silo,
        int siloPort = EndpointOptions.DEFAULT_SILO_PORT,
        int gatewayPort = EndpointOptions.DEFAULT_GATEWAY_PORT)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.UseLocalhostClustering(siloPort, gatewayPort);
        silo.AddMemoryGrainStorage(QuantaSealStorage.Name, optionsBuilder =>
            optionsBuilder.Configure<QuantaSealGrainStateSerializer>(
                (options, serializer) => options.GrainStorageSerializer = serializer));
        silo.UseInMemoryReminderService();
        QuantaSealStorage.AddStateConventions(silo.Services);
        return silo;
    }
}
