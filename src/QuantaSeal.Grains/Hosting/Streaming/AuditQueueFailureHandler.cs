using Orleans.Runtime;
using Orleans.Streams;

namespace QuantaSeal.Grains.Hosting.Streaming;

/// <summary>
/// Called by the pulling agent when a consumer kept failing on a message for
/// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>: the message goes to the dead letters (its stream then moves
/// on). It is marked first, so that if the database cannot take it now the receiver keeps it queued (its
/// confirmations skip it) and retries the move; it is never deleted without being dead-lettered.
/// </summary>
internal sealed class AuditQueueFailureHandler(AuditQueueState state) : IStreamFailureHandler
{
    /// <inheritdoc/>
    public bool ShouldFaultSubsriptionOnError => false;

    /// <inheritdoc/>
    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        // The pulling agent always passes the failed message's token; without one there is nothing to identify.
        ArgumentNullException.ThrowIfNull(sequenceToken);
        state.MarkFailed(sequenceToken.SequenceNumber);
        await state.DeadLetterFailedAsync(CancellationToken.None).ConfigureAwait(true);
    }

    /// <inheritdoc/>
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
