using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Where a silo keeps QuantaSeal's grain state, and (for the standalone server only) its cluster membership and
/// reminders: PostgreSQL through the Orleans ADO.NET providers, or memory (quick trials and unit tests).
/// </summary>
/// <remarks>
/// Two kinds of call. <c>Add…</c> registers only providers under QuantaSeal's own names (<see cref="StorageNames.QuantaSeal"/>,
/// <see cref="AuditStreams.ProviderName"/>) and is what an Orleans service that embeds QuantaSeal uses: its clustering,
/// reminders, default storage and its grains' state names stay its own. <c>Use…</c> also takes over the silo-wide
/// services (clustering, reminders) and is what QuantaSeal's own server uses.
/// </remarks>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant the Orleans providers use to load Npgsql.</summary>
    internal const string Invariant = "Npgsql";

    /// <summary>
    /// Everything QuantaSeal keeps in PostgreSQL, and nothing else: its grain storage
    /// (<see cref="AddQuantaSealStoragePostgres"/>) and its durable audit (<see cref="AuditHosting.AddQuantaSealAuditPostgres"/>).
    /// The schema is not migrated by this call: run the migrations as their own step (<c>QuantaSeal.Server migrate</c>,
    /// <see cref="QuantaSealSchema.MigrateAsync"/>) or add <see cref="AddQuantaSealMigrations"/>; a silo whose database
    /// lacks a migration of this build refuses to start and names it.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string (DML rights are enough once the schema is migrated).</param>
    public static ISiloBuilder AddQuantaSealPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddQuantaSealStoragePostgres(connectionString);
        silo.AddQuantaSealAuditPostgres(connectionString);
        return silo;
    }

    /// <summary>
    /// QuantaSeal's grain storage provider (<see cref="StorageNames.QuantaSeal"/>) on PostgreSQL with the QuantaSeal
    /// grain-state serializer and grain-type-scoped state names, both for this provider only. Registers no default
    /// provider and touches no other provider's state names. Checks at silo start that the schema is current.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string; short timeouts are added unless it sets them.</param>
    public static ISiloBuilder AddQuantaSealStoragePostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cs = PostgresConnectionStrings.WithSafeTimeouts(connectionString);
        silo.AddAdoNetGrainStorage(QuantaSealStorage.Name, optionsBuilder =>
            optionsBuilder.Configure<QuantaSealGrainStateSerializer>((options, serializer) =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = cs;
                options.GrainStorageSerializer = serializer;
                // Clearing keeps the row (payload NULL, version + 1) so the etag never repeats.
                options.DeleteStateOnClear = false;
            }));
        QuantaSealStorage.AddStateConventions(silo.Services);
        RequireCurrentSchema(silo.Services, cs);
        return silo;
    }

    /// <summary>
    /// Applies the project's schema (deploy/sql) at the first silo lifecycle stage, before any provider reads its queries;
    /// a failed migration, or an applied one that was edited, stops the silo. Optional: without it the schema must be
    /// migrated beforehand (<c>QuantaSeal.Server migrate --connection-string …</c> or <see cref="QuantaSealSchema.MigrateAsync"/>).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string whose role may run DDL on the database.</param>
    public static ISiloBuilder AddQuantaSealMigrations(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cs = PostgresConnectionStrings.WithSafeTimeouts(connectionString);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(
            sp => new PostgresSchemaMigrationStartup(cs, sp.GetRequiredService<ILogger<PostgresSchemaMigrationStartup>>()));
        return silo;
    }

    /// <summary>
    /// The standalone server's PostgreSQL silo: takes over the silo's clustering and reminder service (ADO.NET,
    /// invariant <c>Npgsql</c>), adds QuantaSeal's grain storage (<see cref="AddQuantaSealStoragePostgres"/>) and migrates
    /// the schema at start (<see cref="AddQuantaSealMigrations"/>). An Orleans service that embeds QuantaSeal keeps its own
    /// clustering and reminders and calls <see cref="AddQuantaSealPostgres"/> instead.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string; short timeouts are added unless it sets them.
    /// The role needs DDL rights on the database the first time (migrations) and DML rights afterwards.</param>
    public static ISiloBuilder UseQuantaSealPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var cs = PostgresConnectionStrings.WithSafeTimeouts(connectionString);
        silo.AddQuantaSealMigrations(cs);
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = cs;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = cs;
        });
        silo.AddQuantaSealStoragePostgres(cs);
        return silo;
    }

    /// <summary>
    /// QuantaSeal's grain storage provider (<see cref="StorageNames.QuantaSeal"/>) in memory, with the same serializer and
    /// state names as on PostgreSQL, so state still round-trips through JSON. Nothing survives a restart.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    public static ISiloBuilder AddQuantaSealStorageInMemory(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddMemoryGrainStorage(QuantaSealStorage.Name, optionsBuilder =>
            optionsBuilder.Configure<QuantaSealGrainStateSerializer>(
                (options, serializer) => options.GrainStorageSerializer = serializer));
        QuantaSealStorage.AddStateConventions(silo.Services);
        return silo;
    }

    /// <summary>
    /// The in-memory counterpart of <see cref="UseQuantaSealPostgres"/>: localhost clustering, in-memory reminders and
    /// <see cref="AddQuantaSealStorageInMemory"/>. Nothing survives a restart.
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
        silo.UseInMemoryReminderService();
        silo.AddQuantaSealStorageInMemory();
        return silo;
    }

    /// <summary>
    /// Makes the silo check at start, after any migrations this silo runs itself, that <paramref name="connectionString"/>'s
    /// database has every migration of this build (one check per database, however many providers use it).
    /// </summary>
    internal static void RequireCurrentSchema(IServiceCollection services, string connectionString)
    {
        services.AddSingleton(new PostgresSchemaRequirement(connectionString));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, PostgresSchemaCheckStartup>());
    }
}
