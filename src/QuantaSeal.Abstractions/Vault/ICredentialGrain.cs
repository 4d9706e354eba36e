using Orleans.Concurrency;

namespace QuantaSeal.Abstractions.Vault;

/// <summary>
/// One sealed credential (key = <c>cred_...</c>). Holds only the ML-KEM-768/AES-256-GCM sealed form: the front door
/// seals values to the tenant's vault public key before they reach any grain, and only the integration grain (or
/// the admin unseal) opens them, inside the silo.
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
    [Alias("Delete")]
    Task<CredentialInfo?> DeleteAsync(CancellationToken cancellationToken = default);

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

    /// <summary>Unseals and seals the values into an envelope to the tenant's recipient key (admin only).</summary>
    [Alias("UnsealToEnvelope")]
    Task<Envelopes.SealedEnvelope> UnsealToEnvelopeAsync(string auditEventId, string? recipientKeyId, CancellationToken cancellationToken = default);
}
