namespace QuantaSeal.Abstractions.Envelopes;

/// <summary>
/// Seals HybridCryptoEnvelopes for one tenant (key = tenant id). A stateless, reentrant worker: activations run on
/// every core and each caches the tenant's unwrapped signing and HMAC keys by key version, so per-call signing
/// never queues behind one activation.
/// </summary>
[Alias("qs.IEnvelopeSealerGrain")]
public interface IEnvelopeSealerGrain : IGrainWithStringKey
{
    /// <summary>Seals <see cref="EnvelopeRequest.Plaintext"/> to the tenant's recipient key and signs it.</summary>
    [Alias("Seal")]
    Task<SealedEnvelope> SealAsync(EnvelopeRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// The key check: records one <c>envelope.echo</c> event (object = the recipient key named, if any), then seals
    /// <paramref name="payload"/> bound to it. Refused with <see cref="NoRecipientKeyException"/> (one denied event)
    /// when there is no such active recipient key.
    /// </summary>
    /// <param name="recipientKeyId">The recipient key to seal to; null for the tenant's default.</param>
    /// <param name="payload">The bytes to seal.</param>
    /// <param name="requestSha256">
    /// The request hash the event records and the envelope signs (the front door passes
    /// <c>EnvelopeRequestHash.ForEcho</c> of the payload as sent); null signs the empty string.
    /// </param>
    /// <param name="cancellationToken">Cancels the call before its event is recorded.</param>
    /// <exception cref="Tenants.QuantaSealValidationException"><paramref name="requestSha256"/> is not a well-formed request hash.</exception>
    [Alias("Echo")]
    Task<SealedEnvelope> EchoAsync(string? recipientKeyId, byte[] payload, string? requestSha256 = null, CancellationToken cancellationToken = default);

    /// <summary>Whether an active recipient key (the named one, or any when null) exists to seal to.</summary>
    [Alias("HasRecipient")]
    Task<bool> HasRecipientAsync(string? recipientKeyId, CancellationToken cancellationToken = default);
}
