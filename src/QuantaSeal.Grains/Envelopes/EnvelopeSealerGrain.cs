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
/// [Reentrant] is safe: the only shared state is <see cref="_keys"/> and <see cref="_material"/>, each replaced whole by
/// one assignment (never mutated in place), so an interleaved call sees either the old or the new value; a
/// retired key is still published, so an envelope signed with it during a rotation still verifies.
/// </remarks>
[GrainType("qs.envelope-sealer")]
[StatelessWorker]
[Reentrant]
internal sealed class EnvelopeSealerGrain(IKeyWrapProvider keyWrap, ChangeAudit audit, TimeProvider timeProvider) : Grain, IEnvelopeSealerGrain, ITenantOwned
{
    private CachedKeys? _keys;
    private SealingMaterial? _material;

    public async Task<SealedEnvelope> SealAsync(EnvelopeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = this.GetPrimaryKeyString();

        // A caller that read the material at the start of its call (the proxy) names that version: material this worker
        // already holds at that version or newer is used as it is. Anyone else gets a fresh read, so recipient-key
        // revocations and key rotations apply to the very next call either way.
        var material = request.MaterialVersion is { } version && _material is { } held && held.KeyVersion >= version
            ? held
            : await FetchMaterialAsync(cancellationToken);
        var keys = _keys;
        if (keys is null || keys.Version != material.KeyVersion)
        {
            keys = await UnwrapAsync(material, cancellationToken);
            var previous = _keys;
            _keys = keys;
            previous?.Dispose();
        }

        var recipient = material.FindRecipient(request.RecipientKeyId) ?? throw new NoRecipientKeyException();

        // Everything from here on is synchronous: no other turn can dispose `keys` while this seal uses it.
        // Every envelope is v2 (docs/envelope-v2.md): bound to the request hash its audit event records and to the time
        // of issue, with the error, paging and rate-limit extras under both signatures.
        var error = request.Success ? null : new EnvelopeError(request.ErrorType ?? "error", request.ErrorMessage ?? "The call failed.", request.UpstreamStatus);
        var binding = new EnvelopeBinding(request.RequestSha256 ?? EnvelopeRequestHash.None, timeProvider.GetUtcNow());
        var envelope = HybridEnvelopeSealer.Seal(
            new EnvelopeSealInput(
                tenantId, recipient.RecipientKeyId, recipient.PublicKey, request.AuditEventId, request.Success, request.Plaintext, error,
                binding, request.NextCursor, request.RateLimit is { Count: > 0 } rateLimit ? rateLimit : null),
            keys.Signing,
            keys.SigningKeyId,
            keys.HmacKey);
        return new SealedEnvelope(envelope.ToJson(), recipient.RecipientKeyId, keys.SigningKeyId);
    }

    public async Task<bool> HasRecipientAsync(string? recipientKeyId, CancellationToken cancellationToken = default) =>
        (await FetchMaterialAsync(cancellationToken)).FindRecipient(recipientKeyId) is not null;

    public async Task<SealedEnvelope> EchoAsync(string? recipientKeyId, byte[] payload, string? requestSha256 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (requestSha256 is not null && !EnvelopeRequestHash.IsWellFormed(requestSha256))
        {
            // Checked before anything is recorded: a hash the envelope could not sign never reaches the chain.
            throw new QuantaSealValidationException("request_sha256", $"The request hash must be at most {EnvelopeRequestHash.MaxLength} printable ASCII characters.");
        }

        var subject = new AuditSubject(this.GetPrimaryKeyString(), AuditActions.EnvelopeEcho, recipientKeyId, RequestSha256: requestSha256);
        // One read of the material for the check and the seal (the seal names its version).
        var material = await FetchMaterialAsync(cancellationToken);
        if (material.FindRecipient(recipientKeyId) is not { } recipient)
        {
            throw await audit.DeniedAsync(subject, new NoRecipientKeyException());
        }

        // Recorded BEFORE sealing, so the envelope is bound to a recorded event and no envelope exists unaudited; if it
        // cannot be recorded nothing is sealed.
        var eventId = await audit.RecordAsync(subject, AuditOutcomes.Success);
        try
        {
            return await SealAsync(new EnvelopeRequest(recipient.RecipientKeyId, eventId, true, payload, MaterialVersion: material.KeyVersion, RequestSha256: requestSha256), CancellationToken.None);
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
        _material = null;
        return Task.CompletedTask;
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal);

    /// <summary>The tenant's current sealing material (one read-only tenant-grain call), kept when it is the newest seen.</summary>
    private async Task<SealingMaterial> FetchMaterialAsync(CancellationToken cancellationToken)
    {
        var material = await GrainFactory.GetGrain<ITenantGrain>(this.GetPrimaryKeyString()).GetSealingMaterialAsync(cancellationToken);
        if (_material is not { } held || material.KeyVersion >= held.KeyVersion)
        {
            _material = material;
        }

        return material;
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
