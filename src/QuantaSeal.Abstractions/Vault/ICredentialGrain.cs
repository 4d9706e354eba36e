using Orleans.Concurrency;

namespace QuantaSeal.Abstractions.Vault;

/// <summary>
/// One sealed credential (key = <c>cred_...</c>). Holds only the ML-KEM-768/AES-256-GCM sealed form: the front door
/// seals values to the tenant's vault public key before they reach any grain, and only the integration grain (or
/// the admin unseal) opens them, inside the silo. Seal, rotate and delete record their own audit events (intent, then
/// outcome); a refusal is one <c>denied</c> event whose id the thrown exception carries.
/// </summary>
[Alias("qs.ICredentialGrain")]
public interface ICredentialGrain : IGrainWithStringKey
{
    /// <summary>Stores a newly sealed credential.</summary>
    [Alias("Create")]
    Task<CredentialInfo> CreateAsync(CreateCredentialCommand command, CancellationToken cancellationToken = default);

    /// <summary>Metadata (never values); null when it does not exist.</summary>
    [Alias("Get")]
    [ReadOnly]
    Task<CredentialInfo?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the sealed values (rotation); integrations using it drop their cached token.</summary>
    [Alias("Rotate")]
    Task<CredentialInfo> RotateAsync(RotateCredentialCommand command, CancellationToken cancellationToken = default);

    /// <summary>Deletes it; refused (<see cref="CredentialInUseException"/>) while an integration uses it.</summary>
    /// <exception cref="Tenants.TenantAccessDeniedException">No such credential (deleted before, or never created; recorded as denied).</exception>
    [Alias("Delete")]
    Task<CredentialInfo> DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>The sealed form, for the grains that unseal it in the silo.</summary>
    [Alias("GetSealed")]
    [ReadOnly]
    Task<SealedCredential> GetSealedAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that an integration of <paramref name="systemType"/> uses this credential (checks the type fits).</summary>
    [Alias("Attach")]
    Task<CredentialInfo> AttachAsync(string integrationId, string systemType, CancellationToken cancellationToken = default);

    /// <summary>Records that an integration stopped using this credential.</summary>
    [Alias("Detach")]
    Task DetachAsync(string integrationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Unseals the values into an envelope to the tenant's recipient key (the named one, or the default). A read that
    /// returns data: its one <c>vault.unseal</c> event is recorded before the values are unsealed, and the envelope is
    /// bound to it (<c>audit_event_id</c>).
    /// </summary>
    /// <exception cref="Envelopes.NoRecipientKeyException">No such active recipient key (recorded as denied).</exception>
    [Alias("Unseal")]
    Task<Envelopes.SealedEnvelope> UnsealAsync(string? recipientKeyId, CancellationToken cancellationToken = default);
}
