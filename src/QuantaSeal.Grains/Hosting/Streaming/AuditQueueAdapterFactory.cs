using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace QuantaSeal.Grains.Hosting.Streaming;

/// <summary>
/// QuantaSeal's persistent stream provider for the audit transport: Orleans' pulling agents, queue cache and hash-ring
/// queue mapping over a PostgreSQL log read by cursor (deploy/sql/0007, <see cref="AuditQueueStore"/>). It replaced the
/// ADO.NET stream provider, which leased every message with an UPDATE on each poll and confirmed it by receipt: here a
/// poll writes nothing and a confirmation is one range DELETE (loadtests/README.md has the measurements).
/// </summary>
internal sealed class AuditQueueAdapterFactory : IQueueAdapterFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<QueueId, AuditQueueState> _states = new();
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly AuditQueueAdapterCache _cache;
    private readonly Serializer<AuditQueueBatch> _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly AuditStreamSettings _settings;
    private readonly TimeProvider _time;

    private AuditQueueAdapterFactory(string name, AuditQueueStore store, AuditStreamSettings settings, IServiceProvider services)
    {
        Name = name;
        Store = store;
        _settings = settings;
        _serializer = services.GetRequiredService<Serializer<AuditQueueBatch>>();
        _loggerFactory = services.GetRequiredService<ILoggerFactory>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
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
    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new AuditQueueAdapter(this, _serializer));

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
        _states.GetOrAdd(queueId, id => new AuditQueueState(Store, id.ToString(), _loggerFactory.CreateLogger<AuditQueueState>()));
}
