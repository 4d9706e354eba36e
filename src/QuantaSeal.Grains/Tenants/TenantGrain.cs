using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Tenants;

/// <inheritdoc cref="ITenantGrain"/>
/// <remarks>
/// Not reentrant: every state change runs in one turn, and the only awaits inside a change are its audit events, the
/// key-wrap provider and the state write, which are short. Every change is recorded here, between an intent and an
/// outcome event (<see cref="ChangeAudit"/>), and every refusal as one denied event, whoever calls the grain. No per-request crypto happens here (sealing runs in the stateless
/// sealer workers), so this activation is never the bottleneck of a tenant's proxy traffic.
/// </remarks>
[GrainType("qs.tenant")]
internal sealed partial class TenantGrain(
    [PersistentState("tenant", StorageNames.QuantaSeal)] IPersistentState<TenantState> state,
    IKeyWrapProvider keyWrap,
    RecordAuthenticator records,
    TimeProvider timeProvider,
    ChangeAudit audit,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain, ITenantOwned, IRecordIntegrityGuarded
{
    internal const string AlgorithmMlDsa65 = "ML-DSA-65";
    internal const string AlgorithmMlKem768 = "ML-KEM-768";
    internal const int MaxActiveRecipientKeys = 16;
    internal const int MaxApiKeys = 256;
    private const string PurposeVault = "vault-kem-seed";
    private const string PurposeHmacPrefix = "hmac-key:";
    private const string PurposeSigningPrefix = "signing-seed:";
    private const int MaxPendingChallenges = 16;
    private const int CurrentSchemaVersion = 1;
    private static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, PendingChallenge> _challenges = new(StringComparer.Ordinal);
    private MlKem768KeyPair? _vaultKey;

    /// <summary>The stored record failed verification on activation: every call is refused (RecordIntegrityFilter).</summary>
    private bool _refused;

    private TenantState S => state.State;

    private string TenantId => this.GetPrimaryKeyString();

    bool IRecordIntegrityGuarded.IsRecordRefused => _refused;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.TenantId is not null)
        {
            // Before anything of the record is used (not even migrated): a record this cluster's keys did not write is refused.
            var verdict = await records.VerifyAsync(TenantRecord.Identity(TenantId, S), S.Authenticator, TenantRecord.Fields(S), cancellationToken);
            if (verdict != RecordVerdict.Valid)
            {
                _refused = true;
                await records.ReportRefusedAsync(RecordKinds.Tenant, TenantId, TenantId, verdict);
                return;
            }
        }

        if (S.TenantId is not null && S.SchemaVersion < CurrentSchemaVersion)
        {
            await MigrateSchemaAsync(cancellationToken);
        }

        if (S.TenantId is not null && S.VaultPrivateSeed is not null)
        {
            // Unwrapped once per activation (never per request); this also proves at activation that the configured
            // master key / KMS key still opens this tenant's material, instead of failing on a user's request later.
            var seed = await UnwrapAsync(S.VaultPrivateSeed, cancellationToken);
            try
            {
                _vaultKey = MlKem768KeyPair.FromSeed(seed);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _vaultKey?.Dispose();
        _vaultKey = null;
        foreach (var challenge in _challenges.Values)
        {
            CryptographicOperations.ZeroMemory(challenge.SharedSecret);
        }

        _challenges.Clear();
        return Task.CompletedTask;
    }

    public async Task<TenantCreated> CreateAsync(CreateTenantCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        if (S.TenantId is not null)
        {
            throw new InvalidOperationException("Tenant already exists.");
        }

        // A refused creation is not audited: there is no tenant yet, so no chain to record it in.
        var name = TenantValidation.RequireName(command.Name, "name");
        var environment = TenantValidation.RequireEnvironment(command.ApiKeyEnvironment, "api_key_environment");
        var tenantId = TenantId;

        // The first events of the new tenant's chain, actor operator (only an operator call gets here).
        return await audit.ChangeAsync(
            new AuditSubject(tenantId, AuditActions.TenantCreate, tenantId),
            () => CreateCoreAsync(tenantId, name, environment),
            cancellationToken,
            AuditActors.Operator);
    }

    private async Task<TenantCreated> CreateCoreAsync(string tenantId, string name, string environment)
    {
        // After the intent, the change runs to its end whatever the caller does (ChangeAudit).
        var cancellationToken = CancellationToken.None;
        var now = timeProvider.GetUtcNow();

        using var vault = MlKem768KeyPair.Generate();
        using var signing = MlDsa65KeyPair.Generate();
        var hmacKey = RandomNumberGenerator.GetBytes(PqcSizes.HmacKey);
        var signingKeyId = Ids.New(Ids.SigningKey);

        var wrappedVault = await WrapAsync(PurposeVault, vault.Seed!, cancellationToken);
        var wrappedSigning = await WrapAsync(PurposeSigningPrefix + signingKeyId, signing.Seed, cancellationToken);
        var wrappedHmac = await WrapAsync(PurposeHmacPrefix + "1", hmacKey, cancellationToken);

        // The admin key is registered before the tenant is written: if the write fails, the orphan key points at a
        // tenant that does not exist and authenticates to nothing useful; the reverse order could leave a tenant
        // nobody can administer.
        var (adminKeyId, adminKey) = ApiKeyFormat.Generate(environment);
        var admin = await IssueApiKeyAsync(adminKeyId, adminKey, "admin", [ApiKeyScopes.Admin], environment, now);

        S.TenantId = tenantId;
        S.Name = name;
        S.CreatedAt = now;
        S.KeyVersion = 1;
        S.VaultPublicKey = vault.PublicKey.ToArray();
        S.VaultPrivateSeed = wrappedVault;
        S.SigningKeys = [new SigningKeyState { KeyId = signingKeyId, PublicKey = signing.PublicKey.ToArray(), WrappedSeed = wrappedSigning, CreatedAt = now }];
        S.CurrentSigningKeyId = signingKeyId;
        S.HmacKey = wrappedHmac;
        S.ApiKeys = [admin.State];
        S.SchemaVersion = CurrentSchemaVersion;
        try
        {
            await WriteSealedAsync(cancellationToken);
        }
        catch
        {
            // Keep memory equal to storage: a tenant that was not stored does not exist (a retry may create it).
            state.State = new TenantState();
            throw;
        }

        _vaultKey?.Dispose();
        _vaultKey = MlKem768KeyPair.FromSeed(vault.Seed!);
        Log.TenantCreated(logger, tenantId, signingKeyId, admin.State.ApiKeyId);
        return new TenantCreated(ToInfo(), admin.Created, hmacKey, ToInfo(S.SigningKeys[0]));
    }

    public Task<TenantInfo?> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(S.TenantId is null ? null : ToInfo());

    public Task<TenantPublicKeys> GetPublicKeysAsync(CancellationToken cancellationToken = default)
    {
        RequireExists();
        return Task.FromResult(new TenantPublicKeys(
            TenantId,
            S.CurrentSigningKeyId,
            [.. S.SigningKeys.Select(ToInfo)],
            [.. S.RecipientKeys.Select(ToInfo)]));
    }

    public Task<RecipientKeyChallenge> CreateRecipientKeyChallengeAsync(byte[] publicKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        var key = TenantValidation.RequireMlKemPublicKey(publicKey, "public_key");
        var now = timeProvider.GetUtcNow();
        foreach (var expired in _challenges.Where(c => c.Value.ExpiresAt <= now).Select(c => c.Key).ToList())
        {
            Forget(expired);
        }

        if (_challenges.Count >= MaxPendingChallenges)
        {
            // Bounded memory: the oldest pending challenge gives way (its client simply asks again).
            Forget(_challenges.MinBy(c => c.Value.ExpiresAt).Key);
        }

        var (ciphertext, sharedSecret) = MlKem768KeyPair.Encapsulate(key);
        var challengeId = Ids.New(Ids.RecipientKeyChallenge);
        var expiresAt = now + ChallengeLifetime;
        _challenges[challengeId] = new PendingChallenge(SHA256.HashData(key), sharedSecret, expiresAt);
        return Task.FromResult(new RecipientKeyChallenge(challengeId, ciphertext, expiresAt));
    }

    public async Task<RecipientKeyInfo> SetDefaultRecipientKeyAsync(string recipientKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        var subject = Subject(AuditActions.RecipientKeyDefault, recipientKeyId);
        var key = S.RecipientKeys.Find(k => k.RevokedAt is null && string.Equals(k.RecipientKeyId, recipientKeyId, StringComparison.Ordinal));
        if (key is null)
        {
            throw await audit.DeniedAsync(subject, new TenantAccessDeniedException("No such active recipient key."));
        }

        var previous = S.DefaultRecipientKeyId;
        if (string.Equals(previous, key.RecipientKeyId, StringComparison.Ordinal))
        {
            // Already the default: nothing changes, one event.
            await audit.RecordAsync(subject, AuditOutcomes.Success);
            return ToInfo(key);
        }

        return await audit.ChangeAsync(
            subject,
            async () =>
            {
                S.DefaultRecipientKeyId = key.RecipientKeyId;
                S.KeyVersion++;
                await WriteOrRollbackAsync(() => { S.DefaultRecipientKeyId = previous; S.KeyVersion--; }, CancellationToken.None);
                Log.DefaultRecipientKeySet(logger, TenantId, key.RecipientKeyId);
                return ToInfo(key);
            },
            cancellationToken);
    }

    public async Task<RecipientKeyInfo> RegisterRecipientKeyAsync(RegisterRecipientKeyCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        var keyId = Ids.New(Ids.RecipientKey);
        var subject = Subject(AuditActions.RecipientKeyRegister, keyId);
        byte[] publicKey;
        string? label;
        try
        {
            publicKey = TenantValidation.RequireMlKemPublicKey(command.PublicKey, "public_key");
            label = TenantValidation.OptionalLabel(command.Label, "label");
            var existing = S.RecipientKeys.Find(k => k.RevokedAt is null && CryptographicOperations.FixedTimeEquals(k.PublicKey, publicKey));
            if (existing is not null)
            {
                // Registering the same key twice is idempotent: the client gets the id it already has (one event, no change).
                await audit.RecordAsync(subject with { ObjectId = existing.RecipientKeyId }, AuditOutcomes.Success);
                return ToInfo(existing);
            }

            RequireProofOfPossession(command, publicKey);
            if (S.RecipientKeys.Count(k => k.RevokedAt is null) >= MaxActiveRecipientKeys)
            {
                throw new QuantaSealValidationException("public_key", $"A tenant may have at most {MaxActiveRecipientKeys} active recipient keys; revoke one first.");
            }
        }
        catch (QuantaSealValidationException ex)
        {
            // Refused before anything changed: one denied event, naming no key (none was registered).
            throw await audit.DeniedAsync(subject with { ObjectId = null }, ex);
        }

        return await audit.ChangeAsync(subject, () => RegisterCoreAsync(keyId, publicKey, label), cancellationToken);
    }

    private async Task<RecipientKeyInfo> RegisterCoreAsync(string keyId, byte[] publicKey, string? label)
    {
        var key = new RecipientKeyState
        {
            RecipientKeyId = keyId,
            PublicKey = publicKey,
            Label = label,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        var previousDefault = S.DefaultRecipientKeyId;
        S.RecipientKeys.Add(key);
        if (!HasActiveDefault())
        {
            // Only when there is no default (the first key, or the default was revoked): a later key never takes
            // over the calls that name no recipient_key_id by merely being registered.
            S.DefaultRecipientKeyId = key.RecipientKeyId;
        }

        S.KeyVersion++;
        await WriteOrRollbackAsync(() => { S.RecipientKeys.Remove(key); S.DefaultRecipientKeyId = previousDefault; S.KeyVersion--; }, CancellationToken.None);
        Log.RecipientKeyRegistered(logger, TenantId, key.RecipientKeyId);
        return ToInfo(key);
    }

    public async Task<RecipientKeyInfo> RevokeRecipientKeyAsync(string recipientKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        var subject = Subject(AuditActions.RecipientKeyRevoke, recipientKeyId);
        var key = S.RecipientKeys.Find(k => string.Equals(k.RecipientKeyId, recipientKeyId, StringComparison.Ordinal));
        if (key is null)
        {
            throw await audit.DeniedAsync(subject, new TenantAccessDeniedException("No such recipient key."));
        }

        if (key.RevokedAt is not null)
        {
            // Revoked before: nothing changes, one event.
            await audit.RecordAsync(subject, AuditOutcomes.Success);
            return ToInfo(key);
        }

        return await audit.ChangeAsync(subject, () => RevokeRecipientKeyCoreAsync(key), cancellationToken);
    }

    private async Task<RecipientKeyInfo> RevokeRecipientKeyCoreAsync(RecipientKeyState key)
    {
        key.RevokedAt = timeProvider.GetUtcNow();
        var previousDefault = S.DefaultRecipientKeyId;
        if (string.Equals(previousDefault, key.RecipientKeyId, StringComparison.Ordinal))
        {
            // No silent fallback to another key: calls that name none get 409 until a default is set again.
            S.DefaultRecipientKeyId = null;
        }

        S.KeyVersion++;
        await WriteOrRollbackAsync(() => { key.RevokedAt = null; S.DefaultRecipientKeyId = previousDefault; S.KeyVersion--; }, CancellationToken.None);
        Log.RecipientKeyRevoked(logger, TenantId, key.RecipientKeyId);
        return ToInfo(key);
    }

    public async Task<SigningKeyRotated> RotateSigningKeyAsync(RotateSigningKeyCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        var keyId = Ids.New(Ids.SigningKey);
        return await audit.ChangeAsync(Subject(AuditActions.SigningKeyRotate, keyId), () => RotateSigningKeyCoreAsync(keyId, command.RotateHmacKey), cancellationToken);
    }

    private async Task<SigningKeyRotated> RotateSigningKeyCoreAsync(string keyId, bool rotateHmacKey)
    {
        var cancellationToken = CancellationToken.None;
        var now = timeProvider.GetUtcNow();
        using var signing = MlDsa65KeyPair.Generate();
        var wrapped = await WrapAsync(PurposeSigningPrefix + keyId, signing.Seed, cancellationToken);
        byte[]? newHmac = null;
        WrappedKeyState? wrappedHmac = null;
        if (rotateHmacKey)
        {
            newHmac = RandomNumberGenerator.GetBytes(PqcSizes.HmacKey);
            wrappedHmac = await WrapAsync(PurposeHmacPrefix + (S.KeyVersion + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), newHmac, cancellationToken);
        }

        // All mutation happens after the last await above, so a failed wrap changes nothing.
        var old = S.SigningKeys.Single(k => string.Equals(k.KeyId, S.CurrentSigningKeyId, StringComparison.Ordinal));
        var oldHmac = S.HmacKey;
        var created = new SigningKeyState { KeyId = keyId, PublicKey = signing.PublicKey.ToArray(), WrappedSeed = wrapped, CreatedAt = now };
        old.RetiredAt = now;
        S.SigningKeys.Add(created);
        S.CurrentSigningKeyId = keyId;
        S.KeyVersion++;
        if (wrappedHmac is not null)
        {
            S.HmacKey = wrappedHmac;
        }

        await WriteOrRollbackAsync(
            () =>
            {
                old.RetiredAt = null;
                S.SigningKeys.Remove(created);
                S.CurrentSigningKeyId = old.KeyId;
                S.KeyVersion--;
                S.HmacKey = oldHmac;
            },
            cancellationToken);
        Log.SigningKeyRotated(logger, TenantId, old.KeyId, keyId, rotateHmacKey);
        return new SigningKeyRotated(ToInfo(created), ToInfo(old), newHmac);
    }

    public async Task<ApiKeyCreated> CreateApiKeyAsync(CreateApiKeyCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        string name;
        IReadOnlyList<string> scopes;
        string environment;
        try
        {
            name = TenantValidation.RequireName(command.Name, "name");
            scopes = TenantValidation.RequireScopes(command.Scopes, "scopes");
            environment = TenantValidation.RequireEnvironment(command.Environment, "environment");
            if (S.ApiKeys.Count(k => k.RevokedAt is null) >= MaxApiKeys)
            {
                // Only active keys count: revoked keys stay listed for the record but must not use up the limit.
                throw new QuantaSealValidationException("name", $"A tenant may have at most {MaxApiKeys} active API keys; revoke one first.");
            }
        }
        catch (QuantaSealValidationException ex)
        {
            throw await audit.DeniedAsync(Subject(AuditActions.ApiKeyCreate, null), ex);
        }

        var (keyId, key) = ApiKeyFormat.Generate(environment);
        return await audit.ChangeAsync(
            Subject(AuditActions.ApiKeyCreate, keyId),
            async () =>
            {
                var created = await AddApiKeyAsync(keyId, key, name, scopes, environment);
                Log.ApiKeyCreated(logger, TenantId, keyId, scopes);
                return created;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        RequireExists();
        return Task.FromResult<IReadOnlyList<ApiKeyInfo>>([.. S.ApiKeys.Select(ToInfo)]);
    }

    public Task<ApiKeyInfo?> GetApiKeyAsync(string apiKeyId, CancellationToken cancellationToken = default)
    {
        RequireExists();
        var key = S.ApiKeys.Find(k => string.Equals(k.ApiKeyId, apiKeyId, StringComparison.Ordinal));
        return Task.FromResult(key is null ? null : ToInfo(key));
    }

    public async Task<ApiKeyInfo> RevokeApiKeyAsync(string apiKeyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        var subject = Subject(AuditActions.ApiKeyRevoke, apiKeyId);
        var key = S.ApiKeys.Find(k => string.Equals(k.ApiKeyId, apiKeyId, StringComparison.Ordinal));
        if (key is null)
        {
            throw await audit.DeniedAsync(subject, new TenantAccessDeniedException("No such API key."));
        }

        if (key.RevokedAt is null && key.Scopes.Contains(ApiKeyScopes.Admin, StringComparer.Ordinal)
            && !S.ApiKeys.Any(k => k.RevokedAt is null && !ReferenceEquals(k, key) && k.Scopes.Contains(ApiKeyScopes.Admin, StringComparer.Ordinal)))
        {
            // Without an active admin key nobody can manage the tenant any more (not even create a new admin key).
            throw await audit.DeniedAsync(subject, new QuantaSealValidationException("api_key_id", "This is the tenant's last active admin key: create another admin key before revoking it."));
        }

        if (key.RevokedAt is not null)
        {
            // Revoked before: nothing changes, one event.
            await audit.RecordAsync(subject, AuditOutcomes.Success);
            return ToInfo(key);
        }

        return await audit.ChangeAsync(
            subject,
            async () =>
            {
                // The key's own grain is what authentication reads, so it is revoked first: once this returns, the key
                // no longer works even if the tenant's list write below fails.
                await GrainFactory.GetGrain<IApiKeyGrain>(key.ApiKeyId).RevokeAsync(CancellationToken.None);
                key.RevokedAt = timeProvider.GetUtcNow();
                await WriteOrRollbackAsync(() => key.RevokedAt = null, CancellationToken.None);
                Log.ApiKeyRevoked(logger, TenantId, key.ApiKeyId);
                return ToInfo(key);
            },
            cancellationToken);
    }

    public async Task<ApiKeyCreated> RecoverAdminKeyAsync(CreateApiKeyCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        RequireExists();
        string name;
        string environment;
        try
        {
            name = TenantValidation.RequireName(command.Name, "name");
            environment = TenantValidation.RequireEnvironment(command.Environment, "environment");
        }
        catch (QuantaSealValidationException ex)
        {
            // Refused like every other admin action: one denied event in the tenant's chain, actor operator, no key.
            throw await audit.DeniedAsync(Subject(AuditActions.ApiKeyRecover, null), ex, AuditActors.Operator);
        }

        var (keyId, key) = ApiKeyFormat.Generate(environment);

        // The intent is recorded before the key exists (fail closed: no audit, no key), into the tenant's own chain,
        // actor operator. Not limited by MaxApiKeys: recovery must work for a tenant that has used up its keys.
        return await audit.ChangeAsync(
            Subject(AuditActions.ApiKeyRecover, keyId),
            async () =>
            {
                var created = await AddApiKeyAsync(keyId, key, name, [ApiKeyScopes.Admin], environment);
                Log.AdminKeyRecovered(logger, TenantId, keyId);
                return created;
            },
            cancellationToken,
            AuditActors.Operator);
    }

    public Task<SealingMaterial> GetSealingMaterialAsync(CancellationToken cancellationToken = default)
    {
        RequireExists();
        var current = S.SigningKeys.Single(k => string.Equals(k.KeyId, S.CurrentSigningKeyId, StringComparison.Ordinal));
        return Task.FromResult(new SealingMaterial(
            TenantId,
            S.KeyVersion,
            current.KeyId,
            ToData(current.WrappedSeed!),
            ToData(S.HmacKey!),
            [.. S.RecipientKeys.Where(k => k.RevokedAt is null).Select(ToInfo)],
            HasActiveDefault() ? S.DefaultRecipientKeyId : null));
    }

    public Task<byte[]> GetVaultPublicKeyAsync(CancellationToken cancellationToken = default)
    {
        RequireExists();
        return Task.FromResult(S.VaultPublicKey);
    }

    public Task<WrappedKeyData> GetWrappedVaultKeyAsync(CancellationToken cancellationToken = default)
    {
        RequireExists();
        return Task.FromResult(ToData(S.VaultPrivateSeed!));
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator)
    {
        if (methodName is nameof(CreateAsync) or nameof(RecoverAdminKeyAsync))
        {
            return isOperator;
        }

        return callerTenantId is not null && string.Equals(callerTenantId, TenantId, StringComparison.Ordinal);
    }

    /// <summary>Issues a key to this (existing) tenant: registered with its own grain, then added to the stored list.</summary>
    private async Task<ApiKeyCreated> AddApiKeyAsync(string keyId, string key, string name, IReadOnlyList<string> scopes, string environment)
    {
        var issued = await IssueApiKeyAsync(keyId, key, name, scopes, environment, timeProvider.GetUtcNow());
        S.ApiKeys.Add(issued.State);
        await WriteOrRollbackAsync(() => S.ApiKeys.Remove(issued.State), CancellationToken.None);
        return issued.Created;
    }

    /// <summary>
    /// Registers the key with its own grain (what authentication reads) and returns the tenant's list entry for it. The
    /// key grain is tenant-owned: an operator call (creation, recovery) names no tenant until this one.
    /// </summary>
    private async Task<(ApiKeyState State, ApiKeyCreated Created)> IssueApiKeyAsync(
        string keyId, string key, string name, IReadOnlyList<string> scopes, string environment, DateTimeOffset now)
    {
        TenantCallContext.SetTenant(TenantId);
        await GrainFactory.GetGrain<IApiKeyGrain>(keyId).RegisterAsync(new ApiKeyRegistration(TenantId, ApiKeyFormat.Hash(key), scopes));
        var stateEntry = new ApiKeyState { ApiKeyId = keyId, Name = name, Scopes = [.. scopes], Environment = environment, CreatedAt = now };
        return (stateEntry, new ApiKeyCreated(ToInfo(stateEntry), key));
    }

    private AuditSubject Subject(string action, string? objectId) => new(TenantId, action, objectId);

    private bool HasActiveDefault() =>
        S.DefaultRecipientKeyId is { } id && S.RecipientKeys.Exists(k => k.RevokedAt is null && string.Equals(k.RecipientKeyId, id, StringComparison.Ordinal));

    /// <summary>The command answers a live challenge for this very key with a correct proof (RecipientKeyProof).</summary>
    private void RequireProofOfPossession(RegisterRecipientKeyCommand command, byte[] publicKey)
    {
        if (command.ChallengeId is null || command.Proof is null)
        {
            throw new QuantaSealValidationException("proof", "'challenge_id' and 'proof' are required: request a challenge with POST /api/v2/tenant/recipient-keys/challenges and prove the key decapsulates it.");
        }

        // One use only, whatever the outcome: a wrong proof cannot be retried against the same secret.
        if (!_challenges.Remove(command.ChallengeId, out var challenge))
        {
            throw new QuantaSealValidationException("challenge_id", "'challenge_id' is unknown, used or expired; request a new challenge.");
        }

        try
        {
            if (challenge.ExpiresAt <= timeProvider.GetUtcNow() || !CryptographicOperations.FixedTimeEquals(challenge.PublicKeyHash, SHA256.HashData(publicKey)))
            {
                throw new QuantaSealValidationException("challenge_id", "'challenge_id' is unknown, used or expired for this public key; request a new challenge.");
            }

            if (!RecipientKeyProof.Verify(challenge.SharedSecret, TenantId, command.ChallengeId, publicKey, command.Proof))
            {
                throw new QuantaSealValidationException("proof", "'proof' does not prove possession of the private key.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(challenge.SharedSecret);
        }
    }

    private void Forget(string challengeId)
    {
        if (_challenges.Remove(challengeId, out var challenge))
        {
            CryptographicOperations.ZeroMemory(challenge.SharedSecret);
        }
    }

    private async Task WriteOrRollbackAsync(Action rollback, CancellationToken cancellationToken)
    {
        try
        {
            await WriteSealedAsync(cancellationToken);
        }
        catch
        {
            // Keep memory equal to storage: a failed write must not leave a change that was never persisted.
            rollback();
            throw;
        }
    }

    /// <summary>
    /// Schema 0 → 1. A tenant stored before the default recipient key was explicit sealed to its newest key; that key
    /// becomes the explicit default once, so nothing changes for its clients, and from now on only a PUT changes it.
    /// Choosing it is a change to the tenant's record, so it is bracketed in the chain like a PUT (actor
    /// <c>system</c>); a migration that changes nothing a client sees (no active key) writes without an event.
    /// </summary>
    private async Task MigrateSchemaAsync(CancellationToken cancellationToken)
    {
        var chosen = S.DefaultRecipientKeyId ?? S.RecipientKeys.Where(k => k.RevokedAt is null).MaxBy(k => k.CreatedAt)?.RecipientKeyId;
        if (chosen is null || string.Equals(chosen, S.DefaultRecipientKeyId, StringComparison.Ordinal))
        {
            S.SchemaVersion = CurrentSchemaVersion;
            await WriteSealedAsync(cancellationToken);
            return;
        }

        await audit.ChangeAsync(
            new AuditSubject(TenantId, AuditActions.RecipientKeyDefault, chosen),
            async () =>
            {
                var previous = (S.DefaultRecipientKeyId, S.SchemaVersion);
                (S.DefaultRecipientKeyId, S.SchemaVersion) = (chosen, CurrentSchemaVersion);
                try
                {
                    await WriteSealedAsync(CancellationToken.None);
                }
                catch
                {
                    (S.DefaultRecipientKeyId, S.SchemaVersion) = previous;
                    throw;
                }

                return chosen;
            },
            cancellationToken,
            AuditActors.System);
    }

    /// <summary>Writes the record with a new version and its authenticator; on failure memory keeps the stored ones.</summary>
    private async Task WriteSealedAsync(CancellationToken cancellationToken)
    {
        var (version, authenticator) = (S.RecordVersion, S.Authenticator);
        S.RecordVersion++;
        try
        {
            S.Authenticator = await records.ComputeAsync(TenantRecord.Identity(TenantId, S), TenantRecord.Fields(S), cancellationToken);
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            (S.RecordVersion, S.Authenticator) = (version, authenticator);
            throw;
        }
    }

    private async Task<WrappedKeyState> WrapAsync(string purpose, byte[] key, CancellationToken cancellationToken)
    {
        var wrapped = await keyWrap.WrapAsync(TenantId, purpose, key, cancellationToken);
        return new WrappedKeyState { Provider = wrapped.Provider, KeyRef = wrapped.KeyRef, Ciphertext = wrapped.Ciphertext, Purpose = purpose };
    }

    private async Task<byte[]> UnwrapAsync(WrappedKeyState wrapped, CancellationToken cancellationToken) =>
        await keyWrap.UnwrapAsync(TenantId, wrapped.Purpose, new WrappedKey(wrapped.Provider, wrapped.KeyRef, wrapped.Ciphertext), cancellationToken);

    private void RequireExists()
    {
        if (S.TenantId is null)
        {
            throw new TenantAccessDeniedException();
        }
    }

    private TenantInfo ToInfo() => new(TenantId, S.Name, S.CreatedAt, S.CurrentSigningKeyId, S.KeyVersion);

    private static SigningKeyInfo ToInfo(SigningKeyState k) =>
        new(k.KeyId, AlgorithmMlDsa65, k.PublicKey, k.RetiredAt is null ? "current" : "retired", k.CreatedAt, k.RetiredAt);

    private RecipientKeyInfo ToInfo(RecipientKeyState k) =>
        new(k.RecipientKeyId, AlgorithmMlKem768, k.PublicKey, k.Label, k.RevokedAt is null ? "active" : "revoked", k.CreatedAt, k.RevokedAt,
            k.RevokedAt is null && string.Equals(k.RecipientKeyId, S.DefaultRecipientKeyId, StringComparison.Ordinal));

    private static ApiKeyInfo ToInfo(ApiKeyState k) =>
        new(k.ApiKeyId, k.Name, [.. k.Scopes], k.Environment, ApiKeyFormat.PrefixFor(k.Environment), k.CreatedAt, k.RevokedAt);

    private static WrappedKeyData ToData(WrappedKeyState w) => new(w.Provider, w.KeyRef, w.Ciphertext, w.Purpose);

    private sealed record PendingChallenge(byte[] PublicKeyHash, byte[] SharedSecret, DateTimeOffset ExpiresAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Tenant {TenantId} created with signing key {SigningKeyId} and admin API key {ApiKeyId}")]
        public static partial void TenantCreated(ILogger logger, string tenantId, string signingKeyId, string apiKeyId);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Tenant {TenantId} registered recipient key {RecipientKeyId}")]
        public static partial void RecipientKeyRegistered(ILogger logger, string tenantId, string recipientKeyId);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Tenant {TenantId} revoked recipient key {RecipientKeyId}")]
        public static partial void RecipientKeyRevoked(ILogger logger, string tenantId, string recipientKeyId);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Tenant {TenantId} rotated signing key {OldKeyId} -> {NewKeyId} (HMAC rotated: {HmacRotated})")]
        public static partial void SigningKeyRotated(ILogger logger, string tenantId, string oldKeyId, string newKeyId, bool hmacRotated);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Tenant {TenantId} created API key {ApiKeyId} with scopes {Scopes}")]
        public static partial void ApiKeyCreated(ILogger logger, string tenantId, string apiKeyId, IReadOnlyList<string> scopes);

        [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Tenant {TenantId} revoked API key {ApiKeyId}")]
        public static partial void ApiKeyRevoked(ILogger logger, string tenantId, string apiKeyId);

        [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Tenant {TenantId} default recipient key set to {RecipientKeyId}")]
        public static partial void DefaultRecipientKeySet(ILogger logger, string tenantId, string recipientKeyId);

        [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Operator issued recovery admin API key {ApiKeyId} to tenant {TenantId}")]
        public static partial void AdminKeyRecovered(ILogger logger, string tenantId, string apiKeyId);
    }
}
