using Orleans.Concurrency;

namespace QuantaSeal.Abstractions.Tenants;

/// <summary>
/// A tenant: its key material (vault ML-KEM-768 key pair, ML-DSA-65 signing keys, HMAC key, all private parts
/// KEK-wrapped at rest), its registered client recipient keys and its API keys. Key = tenant id (<c>ten_...</c>).
/// </summary>
/// <remarks>
/// Every call must carry the caller's tenant in the request context (<see cref="TenantCallContext"/>); a call for
/// another tenant is refused. Only <see cref="CreateAsync"/> and <see cref="RecoverAdminKeyAsync"/> are operator calls.
/// Every change records its own audit events in the tenant's chain (an <c>attempted</c> intent before it, the outcome
/// after it, linked by <c>attempt_event_id</c>; actor from <see cref="TenantCallContext.CurrentActor"/>), and every
/// refusal one <c>denied</c> event whose id the thrown exception carries (<see cref="Audit.IAuditedRefusal"/>).
/// </remarks>
[Alias("qs.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant, its keys and its first admin API key. Secrets in the result are shown once.</summary>
    [Alias("Create")]
    Task<TenantCreated> CreateAsync(CreateTenantCommand command, CancellationToken cancellationToken = default);

    /// <summary>Returns the tenant's public description, or <see langword="null"/> when it does not exist.</summary>
    [Alias("GetInfo")]
    [ReadOnly]
    Task<TenantInfo?> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the signing public keys (current and retired) and the registered recipient keys.</summary>
    [Alias("GetPublicKeys")]
    [ReadOnly]
    Task<TenantPublicKeys> GetPublicKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a proof-of-possession registration: encapsulates a fresh secret to <paramref name="publicKey"/> and
    /// returns the ciphertext. The secret is kept in the activation's memory only, for a few minutes, and used once.
    /// </summary>
    [Alias("CreateRecipientKeyChallenge")]
    Task<RecipientKeyChallenge> CreateRecipientKeyChallengeAsync(byte[] publicKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="recipientKeyId"/> the key envelopes are sealed to when a call names none.
    /// </summary>
    /// <exception cref="TenantAccessDeniedException">The tenant has no such active key (recorded as denied).</exception>
    [Alias("SetDefaultRecipientKey")]
    Task<RecipientKeyInfo> SetDefaultRecipientKeyAsync(string recipientKeyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a client ML-KEM-768 public key that envelopes may be sealed to; the command must carry the proof for
    /// a challenge from <see cref="CreateRecipientKeyChallengeAsync"/>. The first key becomes the default recipient
    /// key; later keys become it only through <see cref="SetDefaultRecipientKeyAsync"/>.
    /// </summary>
    [Alias("RegisterRecipientKey")]
    Task<RecipientKeyInfo> RegisterRecipientKeyAsync(RegisterRecipientKeyCommand command, CancellationToken cancellationToken = default);

    /// <summary>Revokes a recipient key (revoking a revoked key changes nothing).</summary>
    /// <exception cref="TenantAccessDeniedException">The key is unknown (recorded as denied).</exception>
    [Alias("RevokeRecipientKey")]
    Task<RecipientKeyInfo> RevokeRecipientKeyAsync(string recipientKeyId, CancellationToken cancellationToken = default);

    /// <summary>Rotates the ML-DSA-65 signing key (the old public key stays listed as retired), optionally the HMAC key.</summary>
    [Alias("RotateSigningKey")]
    Task<SigningKeyRotated> RotateSigningKeyAsync(RotateSigningKeyCommand command, CancellationToken cancellationToken = default);

    /// <summary>Creates a scoped API key. The key itself is in the result once and is stored only as a hash.</summary>
    [Alias("CreateApiKey")]
    Task<ApiKeyCreated> CreateApiKeyAsync(CreateApiKeyCommand command, CancellationToken cancellationToken = default);

    /// <summary>Lists the tenant's API keys (metadata only).</summary>
    [Alias("ListApiKeys")]
    [ReadOnly]
    Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's (authenticated) record of one API key, or <see langword="null"/> if it lists none with that id. An API key
    /// grain asks this before its first authentication, so an older copy of its own record (a revoked key restored) is
    /// refused. Interleaves with everything: it only reads, and the API key grain may be called by a change in progress.
    /// </summary>
    [Alias("GetApiKey")]
    [AlwaysInterleave]
    Task<ApiKeyInfo?> GetApiKeyAsync(string apiKeyId, CancellationToken cancellationToken = default);

    /// <summary>Revokes an API key (revoking a revoked key changes nothing).</summary>
    /// <exception cref="TenantAccessDeniedException">The tenant has no such key (recorded as denied).</exception>
    /// <exception cref="QuantaSealValidationException">It is the last active admin key (recorded as denied).</exception>
    [Alias("RevokeApiKey")]
    Task<ApiKeyInfo> RevokeApiKeyAsync(string apiKeyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Operator lock-out recovery: issues a new admin API key (shown once) and records <c>api_key.recover</c> in the
    /// tenant's audit chain before the key exists. Operator calls only; the command's scopes are ignored (always admin).
    /// </summary>
    /// <exception cref="TenantAccessDeniedException">No such tenant (nothing recorded: there is no chain).</exception>
    /// <exception cref="QuantaSealValidationException">A bad name or environment (recorded as denied, actor operator).</exception>
    [Alias("RecoverAdminKey")]
    Task<ApiKeyCreated> RecoverAdminKeyAsync(CreateApiKeyCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the tenant's current sealing material in wrapped form (never plaintext) for the stateless
    /// sealer workers, which unwrap it once per activation and cache it by <see cref="SealingMaterial.KeyVersion"/>.
    /// </summary>
    [Alias("GetSealingMaterial")]
    [ReadOnly]
    Task<SealingMaterial> GetSealingMaterialAsync(CancellationToken cancellationToken = default);

    /// <summary>The tenant's vault ML-KEM-768 public key (credentials are sealed to it at the front door).</summary>
    [Alias("GetVaultPublicKey")]
    [ReadOnly]
    Task<byte[]> GetVaultPublicKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>The vault private key, KEK-wrapped, for the grains that unseal credentials inside the silo.</summary>
    [Alias("GetWrappedVaultKey")]
    [ReadOnly]
    Task<WrappedKeyData> GetWrappedVaultKeyAsync(CancellationToken cancellationToken = default);
}
