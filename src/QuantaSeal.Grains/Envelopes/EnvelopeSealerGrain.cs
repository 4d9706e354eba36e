using System.Security.Cryptography;
using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Envelopes;

/// <inheritdoc cref="IEnvelopeSealerGrain"/>
/// <remarks>
/// [Reentrant] is safe: the only shared state is <see cref="_keys"/>, replaced whole by one assignment after the
/// unwrap completes (never mutated in place), so an interleaved call sees either the old or the new key set; a
/// retired key is still published, so an envelope signed with it during a rotation still verifies.
/// </remarks>
[GrainType("qs.envelope-sealer")]
[StatelessWorker]
[Reentrant]
internal sealed class EnvelopeSealerGrain(IKeyWrapProvider keyWrap, ChangeAudit audit) : Grain, IEnvelopeSealerGrain, ITenantOwned
{
    private CachedKeys? _keys;

    public async Task<SealedEnvelope> SealAsync(EnvelopeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = this.GetPrimaryKeyString();

        // One cheap read-only call per seal: recipient-key revocations and key rotations apply to the very next call.
        var material = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetSealingMaterialAsync(cancellationToken);
        var keys = _keys;
        if (keys is null || keys.Version != material.KeyVersion)
        {
            keys = await UnwrapAsync(material, cancellationToken);
            var previous = _keys;
            _keys = keys;
            previous?.Dispose();
        }

        var recipient = FindRecipient(material, request.RecipientKeyId) ?? throw new NoRecipientKeyException();

        // Everything from here on is synchronous: no other turn can dispose `keys` while this seal uses it.
        var error = request.Success ? null : new EnvelopeError(request.ErrorType ?? "error", request.ErrorMessage ?? "The call failed.", request.UpstreamStatus);
        var envelope = HybridEnvelopeSealer.Seal(
            new EnvelopeSealInput(tenantId, recipient.RecipientKeyId, recipient.PublicKey, request.AuditEventId, request.Success, request.Plaintext, error),
            keys.Signing,
            keys.SigningKeyId,
            keys.HmacKey);
        return new SealedEnvelope(envelope.ToJson(), recipient.RecipientKeyId, keys.SigningKeyId);
    }

    public async Task<bool> HasRecipientAsync(string? recipientKeyId, CancellationToken cancellationToken = default)
    {
        var material = await GrainFactory.GetGrain<ITenantGrain>(this.GetPrimaryKeyString()).GetSealingMaterialAsync(cancellationToken);
        return FindRecipient(material, recipientKeyId) is not null;
    }

    public async Task<SealedEnvelope> EchoAsync(string? recipientKeyId, byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var subject = new AuditSubject(this.GetPrimaryKeyString(), AuditActions.EnvelopeEcho, recipientKeyId);
        if (!await HasRecipientAsync(recipientKeyId, cancellationToken))
        {
            throw await audit.DeniedAsync(subject, new NoRecipientKeyException());
        }

        // Recorded BEFORE sealing, so the envelope is bound to a recorded event and no envelope exists unaudited; if it
        // cannot be recorded nothing is sealed.
        var eventId = await audit.RecordAsync(subject, AuditOutcomes.Success);
        try
        {
            return await SealAsync(new EnvelopeRequest(recipientKeyId, eventId, true, payload), CancellationToken.None);
        }
        catch (NoRecipientKeyException ex)
        {
            // The key was revoked between the check and the seal: the call already has its event.
            throw ChangeAudit.Stamp(ex, eventId);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _keys?.Dispose();
        _keys = null;
        return Task.CompletedTask;
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal);

    /// <summary>
    /// The named active recipient key, or the tenant's explicit default when none is named (never "the newest": a key
    /// registered later must not take over the calls that name no key).
    /// </summary>
    private static RecipientKeyInfo? FindRecipient(SealingMaterial material, string? recipientKeyId)
    {
        var id = recipientKeyId ?? material.DefaultRecipientKeyId;
        return id is null ? null : material.RecipientKeys.FirstOrDefault(k => string.Equals(k.RecipientKeyId, id, StringComparison.Ordinal));
    }

    private async Task<CachedKeys> UnwrapAsync(SealingMaterial material, CancellationToken cancellationToken)
    {
        var s = material.WrappedSigningSeed;
        var h = material.WrappedHmacKey;
        var seed = await keyWrap.UnwrapAsync(material.TenantId, s.Purpose, new WrappedKey(s.Provider, s.KeyRef, s.Ciphertext), cancellationToken);
        var hmac = await keyWrap.UnwrapAsync(material.TenantId, h.Purpose, new WrappedKey(h.Provider, h.KeyRef, h.Ciphertext), cancellationToken);
        try
        {
            return new CachedKeys(material.KeyVersion, material.SigningKeyId, MlDsa65KeyPair.FromSeed(seed), hmac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private sealed class CachedKeys(int version, string signingKeyId, MlDsa65KeyPair signing, byte[] hmacKey) : IDisposable
    {
        public int Version { get; } = version;

        public string SigningKeyId { get; } = signingKeyId;

        public MlDsa65KeyPair Signing { get; } = signing;

        public byte[] HmacKey { get; } = hmacKey;

        public void Dispose()
        {
            Signing.Dispose();
            CryptographicOperations.ZeroMemory(HmacKey);
        }
    }
}
