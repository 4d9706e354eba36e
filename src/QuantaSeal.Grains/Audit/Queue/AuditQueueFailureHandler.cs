using Orleans.Runtime;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Called by the pulling agent when a consumer kept failing on a message for
/// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>: the message goes to the dead letters (its stream then moves
/// on). With batched delivery only the first message of the batch is named here; <see cref="AuditQueueCache"/> marks
/// the others. It is marked first, so that if the database cannot take it now the receiver keeps it queued (its
/// confirmations skip it) and retries the move; it is never deleted without being dead-lettered.
/// </summary>
internal sealed class AuditQueueFailureHandler(AuditQueueState state) : IStreamFailureHandler
{
    /// <inheritdoc/>
    public bool ShouldFaultSubsriptionOnError => false;

    /// <inheritdoc/>
    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        // With batched delivery the token is the batch's first message only; the queue's cache marks the rest when it
        // evicts them (AuditQueueCache). The agent passes no token when it failed before it had a message in hand:
        // then nothing was given up on.
        if (sequenceToken is not null)
        {
            state.MarkFailed(sequenceToken.SequenceNumber);
        }

        await state.DeadLetterFailedAsync(CancellationToken.None).ConfigureAwait(true);
    }

    /// <inheritdoc/>
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
