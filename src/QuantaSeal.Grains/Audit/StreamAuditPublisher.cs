using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// The audit publisher of a silo: events go onto their tenant's audit stream (durable on PostgreSQL) with group
/// commit. Concurrent publishes of one tenant wait together: while a batch is being written the next ones gather, and
/// each write carries up to <see cref="MaxBatch"/> events as one stream message (one row, one round trip). A publish
/// returns when the message holding its event is committed, and throws <see cref="AuditStreamUnavailableException"/>
/// when it is not, so no event id is ever handed out for an event that is not durable (fail closed).
/// </summary>
/// <remarks>
/// At low load an event is written at once (no waiting window), so the latency is one insert. Under load the batches
/// grow by themselves: <see cref="MaxWritersPerTenant"/> writes per tenant are in flight at a time and everything that
/// arrives meanwhile joins the next one.
/// </remarks>
public sealed partial class StreamAuditPublisher : IAuditPublisher
{
    /// <summary>Events per stream message.</summary>
    internal const int MaxBatch = 64;

    /// <summary>
    /// Writes of one tenant in flight at once. One: every commit costs the database (and the machine it shares) a round
    /// trip and a WAL flush whatever it carries, so one writer whose batches grow while it waits beats two half-size
    /// ones: with two, the chain fell behind what was acknowledged; with one it keeps up (loadtests/README.md, the chain
    /// scenario).
    /// </summary>
    internal const int MaxWritersPerTenant = 1;

    private readonly IServiceProvider _services;
    private readonly ILogger<StreamAuditPublisher> _logger;
    private readonly int _maxBatch;
    private readonly int _maxWriters;
    private readonly Dictionary<string, TenantQueue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IStreamProvider? _provider;

    /// <summary>The publisher of a silo (<see cref="MaxBatch"/> events per message, <see cref="MaxWritersPerTenant"/> writers).</summary>
    public StreamAuditPublisher(IServiceProvider services, ILogger<StreamAuditPublisher> logger)
        : this(services, logger, MaxBatch, MaxWritersPerTenant)
    {
    }

    /// <summary>With other batch and writer limits: the load scenario measures them before the constants change.</summary>
    internal StreamAuditPublisher(IServiceProvider services, ILogger<StreamAuditPublisher> logger, int maxBatch, int maxWriters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWriters, 1);
        _services = services;
        _logger = logger;
        _maxBatch = maxBatch;
        _maxWriters = maxWriters;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The chain would refuse the event (a bug of the caller): it is not recorded.</exception>
    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (AuditEventRules.Problem(auditEvent, auditEvent.TenantId) is { } problem)
        {
            throw new ArgumentException($"The audit event cannot be chained: {problem}.", nameof(auditEvent));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(auditEvent);
        bool startWriter;
        TenantQueue queue;
        lock (_gate)
        {
            if (!_queues.TryGetValue(auditEvent.TenantId, out queue!))
            {
                _queues[auditEvent.TenantId] = queue = new TenantQueue(auditEvent.TenantId);
            }

            queue.Waiting.Add(pending);
            startWriter = queue.Writers < _maxWriters;
            if (startWriter)
            {
                queue.Writers++;
            }
        }

        if (startWriter)
        {
            // Off the caller's grain scheduler and without its request context: the writer serves every caller of the
            // tenant, so it must not run as a turn of whichever grain happened to start it.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => WriteLoopAsync(queue), CancellationToken.None);
            }
        }

        // The caller's token cannot withdraw an event that may already be on its way; it only stops the wait.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync(TenantQueue queue)
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Writers--;
                    if (queue.Writers == 0)
                    {
                        _queues.Remove(queue.TenantId);
                    }

                    return;
                }

                var take = Math.Min(_maxBatch, queue.Waiting.Count);
                batch = queue.Waiting.GetRange(0, take);
                queue.Waiting.RemoveRange(0, take);
            }

            try
            {
                var stream = Provider().GetAuditStream(queue.TenantId);
                var events = batch.ConvertAll(p => p.Event);
                await AuditStreamWriter.EnqueueBatchAsync(stream, events, _logger).ConfigureAwait(false);

                AuditMetrics.Published.Add(events.Count);
                AuditMetrics.BatchSize.Record(events.Count);
                foreach (var p in batch)
                {
                    p.Completion.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                var refused = ex as AuditStreamUnavailableException ?? new AuditStreamUnavailableException(ex.GetType().Name, batch.Count);
                if (ex is not AuditStreamUnavailableException)
                {
                    Log.PublishFailed(_logger, ex.GetType().Name, batch.Count);
                }

                // The store just failed: refuse everything already waiting for this tenant now rather than let each
                // batch wait out the same timeouts in turn, so a refusal takes about one attempt however many wait.
                lock (_gate)
                {
                    batch.AddRange(queue.Waiting);
                    queue.Waiting.Clear();
                }

                AuditMetrics.PublishFailed.Add(batch.Count);
                foreach (var p in batch)
                {
                    p.Completion.TrySetException(refused);
                }
            }
        }
    }

    private IStreamProvider Provider() =>
        _provider ??= _services.GetKeyedService<IStreamProvider>(AuditStreams.ProviderName)
            ?? throw new AuditStreamUnavailableException("The audit stream provider is not configured on this silo.");

    private sealed class TenantQueue(string tenantId)
    {
        public string TenantId { get; } = tenantId;

        public List<Pending> Waiting { get; } = [];

        public int Writers { get; set; }
    }

    private sealed class Pending(AuditEvent auditEvent)
    {
        public AuditEvent Event { get; } = auditEvent;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7201, Level = LogLevel.Error, Message = "Could not publish {EventCount} audit events ({Cause}); the actions are refused")]
        public static partial void PublishFailed(ILogger logger, string cause, int eventCount);
    }
}
