using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Samples.EmbeddedHost;

/// <summary>The sample's silo: the host's own Orleans setup, plus QuantaSeal added under its own names.</summary>
public static class EmbeddedHostSilo
{
    /// <summary>The ADO.NET invariant of PostgreSQL.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Configures the silo. The first block is the host's business and QuantaSeal does not touch it: clustering, the
    /// reminder service (QuantaSeal's audit chains use it too) and the default grain storage its own grains use. The
    /// second block adds QuantaSeal: its services (<c>AddQuantaSeal</c>) and its PostgreSQL providers
    /// (<c>AddQuantaSealPostgres</c>: grain storage <c>quantaseal</c>, audit stream provider <c>qs-audit</c>). The schema
    /// is migrated beforehand (<c>EmbeddedHost migrate</c>); a silo whose database is behind refuses to start.
    /// </summary>
    public static ISiloBuilder ConfigureEmbeddedHost(this ISiloBuilder silo, EmbeddedHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);

        // The host's own choices.
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
        silo.UseInMemoryReminderService();

        // The host keeps its grains in the same database, on its own default provider with Orleans' own serializer
        // (its rows share QuantaSeal's orleans_grain_state table and queries, keyed by their own state names).
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = options.ConnectionString;
        });

        // QuantaSeal, under QuantaSeal's names only.
        silo.AddQuantaSeal(o =>
        {
            o.MasterKeyFile = options.MasterKeyFile;
            o.ConfigureUpstream = upstream =>
            {
                foreach (var pattern in options.UpstreamAllow)
                {
                    upstream.Allow.Add(pattern);
                }
            };
        });
        silo.AddQuantaSealPostgres(options.ConnectionString);
        return silo;
    }
}
