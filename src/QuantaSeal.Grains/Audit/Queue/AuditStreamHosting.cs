using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Streams;
using QuantaSeal.Grains.Hosting.Postgres;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Registers the audit stream provider (<see cref="AuditStreams.ProviderName"/>) on a silo: durable on PostgreSQL
/// through QuantaSeal's audit queue provider, or in memory for the in-memory dev mode. Audit events are published
/// from grains, so Orleans clients (the front-door role) need no stream provider.
/// </summary>
public static class AuditStreamHosting
{
    /// <summary>Npgsql application name of the stream provider's connections: its own pool, visible in pg_stat_activity.</summary>
    internal const string ApplicationName = "quantaseal-audit-streams";

    /// <summary>
    /// Durable audit streams on PostgreSQL: QuantaSeal's own persistent stream provider (<see cref="AuditQueueAdapterFactory"/>)
    /// over the audit queue tables (deploy/sql/0007; the silo checks at start that the schema is current). Only implicit
    /// subscriptions are used, so no PubSubStore grain storage is needed and no pub-sub row is written.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">An Npgsql connection string (normally the one given to <c>UseQuantaSealPostgres</c>).
    /// Its connect and command timeouts are capped at a few seconds for the stream provider only.</param>
    public static ISiloBuilder AddQuantaSealAuditStreamsPostgres(this ISiloBuilder silo, string connectionString) =>
        AddQuantaSealAuditStreamsPostgres(silo, connectionString, AuditStreamSettings.Default);

    /// <summary>
    /// In-memory audit streams for the in-memory dev mode and unit tests: same provider name, namespace, implicit-only
    /// subscriptions and pulling cadence, but nothing survives a silo restart.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    public static ISiloBuilder AddQuantaSealAuditStreamsInMemory(this ISiloBuilder silo) =>
        AddQuantaSealAuditStreamsInMemory(silo, AuditStreamSettings.Default);

    /// <summary><see cref="AddQuantaSealAuditStreamsPostgres(ISiloBuilder, string)"/> with explicit tuning (tests).</summary>
    internal static ISiloBuilder AddQuantaSealAuditStreamsPostgres(this ISiloBuilder silo, string connectionString, AuditStreamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        var cs = ForStreams(connectionString, settings);
        PostgresSiloBuilderExtensions.RequireCurrentSchema(silo.Services, PostgresConnectionStrings.WithSafeTimeouts(connectionString));

        silo.AddPersistentStreams(
            AuditStreams.ProviderName,
            (services, name) => AuditQueueAdapterFactory.Create(services, name, cs, settings),
            configurator =>
            {
                configurator.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                configurator.ConfigurePullingAgent(PullingAgent(settings));
            });
        silo.Services.Configure<SimpleQueueCacheOptions>(AuditStreams.ProviderName, options => options.CacheSize = settings.CacheSize);
        return silo;
    }

    /// <summary><see cref="AddQuantaSealAuditStreamsInMemory(ISiloBuilder)"/> with explicit tuning (tests).</summary>
    internal static ISiloBuilder AddQuantaSealAuditStreamsInMemory(this ISiloBuilder silo, AuditStreamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        silo.AddMemoryStreams(AuditStreams.ProviderName, configurator =>
        {
            configurator.ConfigurePartitioning(settings.QueueCount);
            configurator.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            configurator.ConfigurePullingAgent(PullingAgent(settings));
        });
        return silo;
    }

    /// <summary>
    /// The connection string the stream provider uses: the silo's one with its connect and command timeouts capped
    /// (a value the caller set lower is kept) and its own application name, hence its own connection pool, so a burst of
    /// grain-state writes cannot starve audit publishing or the other way round.
    /// </summary>
    /// <remarks>
    /// When a command times out Npgsql first sends PostgreSQL a cancel request over a new connection, and with GSS
    /// encryption left at "prefer" it negotiates that connection twice, each attempt bounded by the connect timeout.
    /// Against a silent server that roughly doubles the command timeout.
    /// Unless the caller chose otherwise, GSS encryption is therefore off for these connections (Kerberos-encrypted
    /// PostgreSQL is rare; TLS is unaffected) and the connection is broken as soon as the cancel request has been sent
    /// instead of waiting for the server to confirm it. A silent database then fails a publish in about connect + command
    /// timeout (6 s) on a pooled connection and the connect timeout (3 s) on a new one.
    /// </remarks>
    /// <exception cref="ArgumentException">Not a valid Npgsql connection string (the message never echoes it).</exception>
    internal static string ForStreams(string connectionString, AuditStreamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.WithSafeTimeouts(connectionString));
        var given = builder.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        builder.Timeout = Cap(builder.Timeout, settings.ConnectTimeoutSeconds);
        builder.CommandTimeout = Cap(builder.CommandTimeout, settings.CommandTimeoutSeconds);
        if (!given.Contains("Cancellation Timeout"))
        {
            builder.CancellationTimeout = -1;
        }

        if (!given.Contains("GSS Encryption Mode"))
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        // An audit message is committed on its own, never as part of whatever System.Transactions scope the publishing
        // code happens to run in (the audit queue also allows one message per transaction).
        builder.Enlist = false;

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = ApplicationName;
        }

        PostgresConnectionStrings.PrepareRepeatedStatements(builder);
        PinDurability(builder);
        return builder.ConnectionString;

        // Npgsql reads 0 as "wait forever".
        static int Cap(int given, int limit) => given <= 0 ? limit : Math.Min(given, limit);
    }

    /// <summary>
    /// Pins what an acknowledgement of an audit write means, whatever the server, database or role defaults say: the
    /// commit waits for the WAL flush, and for the synchronous standbys' flush where the server has any
    /// (<c>synchronous_commit=on</c>, even if a server, database or role default turned it off), and with several hosts
    /// in the connection string, connections go only to one that takes writes (never a read-only standby).
    /// </summary>
    internal static void PinDurability(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var given = builder.Keys.Cast<string>().Where(k => builder[k] is not null).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Npgsql accepts a target only with several hosts; with one there is no standby to avoid.
        var severalHosts = builder.Host?.Contains(',', StringComparison.Ordinal) == true;
        if (severalHosts && (!given.Contains("Target Session Attributes") || string.IsNullOrEmpty(builder.TargetSessionAttributes)))
        {
            builder.TargetSessionAttributes = "read-write";
        }

        // Appended last, so it wins over a synchronous_commit=off the connection string itself asked for.
        const string SyncCommit = "-c synchronous_commit=on";
        if (builder.Options is not { } options || !options.EndsWith(SyncCommit, StringComparison.Ordinal))
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? SyncCommit : builder.Options + " " + SyncCommit;
        }
    }

    private static Action<OptionsBuilder<StreamPullingAgentOptions>> PullingAgent(AuditStreamSettings settings) =>
        optionsBuilder => optionsBuilder.Configure(options =>
        {
            options.GetQueueMsgsTimerPeriod = settings.PollingInterval;
            options.MaxEventDeliveryTime = settings.MaxEventDeliveryTime;
            options.BatchContainerBatchSize = settings.DeliveryBatch;
        });
}
