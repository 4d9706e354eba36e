using Orleans.Streams;
using Orleans.Streams.Core;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// Implicitly subscribed to every tenant's audit stream, like the chain grain will be; records each delivery in the
/// shared <see cref="AuditStreamProbe"/> and throws on events the test poisoned.
/// </summary>
[ImplicitStreamSubscription(AuditStreams.Namespace)]
[GrainType("qs.test.audit-stream-probe")]
internal sealed class AuditStreamProbeGrain(AuditStreamProbe probe) : Grain, IAuditStreamProbeGrain, IStreamSubscriptionObserver, IAsyncObserver<AuditEvent>
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task DeactivateAsync(CancellationToken cancellationToken = default)
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<AuditEvent>().ResumeAsync(this);
    }

    public async Task OnNextAsync(AuditEvent item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (probe.IsPoison(item.EventId))
        {
            probe.RecordFailure(item.EventId);
            throw new InvalidOperationException($"Test consumer refuses poisoned event {item.EventId}.");
        }

        var delay = probe.DelayFor(item.TenantId);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        probe.Record(item, TimeProvider.System.GetUtcNow(), _activationId);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
