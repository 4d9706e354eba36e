using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// QuantaSeal's persistent stream provider for the audit transport: Orleans' pulling agents, queue cache and hash-ring
/// queue mapping over a PostgreSQL log read by cursor (deploy/sql/0007, <see cref="AuditQueueStore"/>). A poll writes
/// nothing and a confirmation is one range DELETE (loadtests/README.md has the measurements).
/// </summary>
internal sealed partial class AuditQueueAdapterFactory : IQueueAdapterFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<QueueId, AuditQueueState> _states = new();
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly AuditQueueAdapterCache _cache;
    private readonly Serializer<AuditQueueBatch> _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly AuditStreamSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private AuditQueueAdapterFactory(string name, AuditQueueStore store, AuditStreamSettings settings, IServiceProvider services)
    {
        Name = name;
        Store = store;
        _settings = settings;
        _serializer = services.GetRequiredService<Serializer<AuditQueueBatch>>();
        _loggerFactory = services.GetRequiredService<ILoggerFactory>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = _loggerFactory.CreateLogger<AuditQueueAdapterFactory>();
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = settings.QueueCount }, name);
        _cache = new AuditQueueAdapterCache(State, services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name).CacheSize, _loggerFactory);
    }

    public string Name { get; }

    internal AuditQueueStore Store { get; }

    /// <summary>The factory of the provider <paramref name="name"/>: its own connection pool on <paramref name="connectionString"/>.</summary>
    public static AuditQueueAdapterFactory Create(IServiceProvider services, string name, string connectionString, AuditStreamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        var store = new AuditQueueStore(NpgsqlDataSource.Create(connectionString), serviceId);
        return new AuditQueueAdapterFactory(name, store, settings, services);
    }

    /// <inheritdoc/>
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Messages wait under a queue this silo's queue count does not read.</exception>
    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        // Called once as the provider starts, before any queue is read. Rows under an index this silo's queue count
        // does not have would never be read again (issue 12, hole 4): refuse to start rather than strand them.
        var known = AuditQueueKeys.Known(_settings.QueueCount);
        var stranded = (await Store.ListQueueIdsAsync(cancellationToken).ConfigureAwait(false)).Where(id => !known.Contains(id)).Order(StringComparer.Ordinal).ToList();
        if (stranded.Count > 0)
        {
            var list = string.Join(", ", stranded);
            Log.StrandedQueues(_logger, list, _settings.QueueCount);
            throw new InvalidOperationException(
                $"The audit queue holds messages under queue(s) {list}, which a silo with {_settings.QueueCount} audit queues never reads. "
                + "Start the silos with the previous queue count until those messages are delivered (audit_queue_messages has no row left under them), then change it.");
        }

        var attributed = await Store.AttributeDeadLettersAsync(Describe, cancellationToken).ConfigureAwait(false);
        if (attributed > 0)
        {
            Log.DeadLettersAttributed(_logger, attributed);
        }

        return new AuditQueueAdapter(this, _serializer);
    }

    /// <inheritdoc/>
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc/>
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc/>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new AuditQueueFailureHandler(State(queueId)));

    /// <summary>The queue's receiver, reading a busy queue at most once per <see cref="AuditStreamSettings.BusyReadSpacing"/>.</summary>
    internal IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new AuditQueueReceiver(State(queueId), _serializer, _loggerFactory.CreateLogger<AuditQueueReceiver>());
        return _settings.BusyReadSpacing > TimeSpan.Zero ? new PacedQueueAdapterReceiver(receiver, _settings.BusyReadSpacing, _time) : receiver;
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    private AuditQueueState State(QueueId queueId) =>
        _states.GetOrAdd(queueId, id => new AuditQueueState(Store, AuditQueueKeys.For(id), _loggerFactory.CreateLogger<AuditQueueState>()));

    private (string TenantId, int Events)? Describe(byte[] payload)
    {
        try
        {
            return _serializer.Deserialize(payload) is { } batch ? (batch.StreamId.GetKeyAsString(), batch.Events.Count) : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null; // unreadable: stays unattributed, and verify reports every tenant incomplete meanwhile
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuditStreamLogEventIds.StrandedQueues, Level = LogLevel.Critical,
            Message = "The audit queue holds messages under queue(s) {QueueIds} that a silo with {QueueCount} audit queues never reads; refusing to start")]
        public static partial void StrandedQueues(ILogger logger, string queueIds, int queueCount);

        [LoggerMessage(EventId = AuditStreamLogEventIds.DeadLettersAttributed, Level = LogLevel.Information,
            Message = "Recorded the tenant of {Count} audit dead letters written before their tenant was kept with them")]
        public static partial void DeadLettersAttributed(ILogger logger, int count);
    }
}
