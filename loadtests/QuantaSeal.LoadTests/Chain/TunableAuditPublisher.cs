using Orleans.Streams;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting.Streaming;

namespace QuantaSeal.LoadTests.Chain;

/// <summary>
/// The product's group commit (StreamAuditPublisher) with its two constants made knobs, so a load run can measure
/// what another message size or writer count would give before src is changed. Same contract: a publish completes
/// when the stream message holding its event is committed, and fails when it is not.
/// </summary>
internal sealed class TunableAuditPublisher(IStreamProvider provider, int maxBatch, int writers) : IAuditPublisher
{
    private readonly Dictionary<string, TenantQueue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TenantQueue? startFor = null;
        lock (_gate)
        {
            if (!_queues.TryGetValue(auditEvent.TenantId, out var queue))
            {
                _queues[auditEvent.TenantId] = queue = new TenantQueue(auditEvent.TenantId);
            }

            queue.Waiting.Add((auditEvent, done));
            if (queue.Writers < writers)
            {
                queue.Writers++;
                startFor = queue;
            }
        }

        if (startFor is not null)
        {
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => WriteLoopAsync(startFor), CancellationToken.None);
            }
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync(TenantQueue queue)
    {
        var stream = provider.GetAuditStream(queue.TenantId);
        while (true)
        {
            List<(AuditEvent Event, TaskCompletionSource Done)> batch;
            lock (_gate)
            {
                if (queue.Waiting.Count == 0)
                {
                    if (--queue.Writers == 0)
                    {
                        _queues.Remove(queue.TenantId);
                    }

                    return;
                }

                var take = Math.Min(maxBatch, queue.Waiting.Count);
                batch = queue.Waiting.GetRange(0, take);
                queue.Waiting.RemoveRange(0, take);
            }

            try
            {
                await stream.OnNextBatchAsync(batch.ConvertAll(b => b.Event));
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                var refused = new AuditStreamUnavailableException(ex.GetType().Name, batch.Count);
                batch.ForEach(b => b.Done.TrySetException(refused));
            }
        }
    }

    private sealed class TenantQueue(string tenantId)
    {
        public string TenantId { get; } = tenantId;

        public List<(AuditEvent Event, TaskCompletionSource Done)> Waiting { get; } = [];

        public int Writers { get; set; }
    }
}
