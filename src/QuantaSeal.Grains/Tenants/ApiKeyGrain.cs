using System.Security.Cryptography;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Tenants;

/// <inheritdoc cref="IApiKeyGrain"/>
/// <remarks>
/// The stored record is authenticated (<see cref="ApiKeyRecord"/>) and verified on activation; a record that fails never
/// authenticates (the caller gets the same 401 as for an unknown key) and is reported. Before its first authentication
/// an activation also asks its tenant's authenticated record whether the key is listed, active and with the same
/// scopes, so an older valid copy of this record (a revoked key restored) is refused as superseded.
/// </remarks>
[GrainType("qs.apikey")]
internal sealed class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.QuantaSeal)] IPersistentState<ApiKeyGrainState> state,
    RecordAuthenticator records,
    TimeProvider timeProvider) : Grain, IApiKeyGrain, ITenantOwned
{
    private bool _refused;
    private Task<bool>? _confirmedByTenant;

    private string ApiKeyId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.TenantId is null)
        {
            return;
        }

        var verdict = await records.VerifyAsync(ApiKeyRecord.Identity(ApiKeyId, state.State), state.State.Authenticator, ApiKeyRecord.Fields(state.State), cancellationToken);
        if (verdict != RecordVerdict.Valid)
        {
            await RefuseAsync(verdict);
        }
    }

    public async Task RegisterAsync(ApiKeyRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        cancellationToken.ThrowIfCancellationRequested();
        if (state.State.TenantId is not null)
        {
            // Key ids are fresh ULIDs: a second registration is a bug or a replay, never an update.
            throw new InvalidOperationException("API key id already registered.");
        }

        state.State.TenantId = registration.TenantId;
        state.State.KeyHash = registration.KeyHash.ToArray();
        state.State.Scopes = [.. registration.Scopes];
        try
        {
            await WriteSealedAsync(cancellationToken);
        }
        catch
        {
            state.State = new ApiKeyGrainState();
            throw;
        }
    }

    public async Task<ApiKeyPrincipal?> AuthenticateAsync(byte[] presentedKeyHash, CancellationToken cancellationToken = default)
    {
        var s = state.State;
        if (_refused || s.TenantId is null || presentedKeyHash is null || presentedKeyHash.Length != s.KeyHash.Length)
        {
            return null;
        }

        // Constant-time: the comparison must not leak how many leading bytes of the hash matched.
        var match = CryptographicOperations.FixedTimeEquals(presentedKeyHash, s.KeyHash);
        if (!match || s.RevokedAt is not null)
        {
            return null;
        }

        if (!await ConfirmedByTenantAsync())
        {
            return null;
        }

        return _refused || s.RevokedAt is not null ? null : new ApiKeyPrincipal(s.TenantId, ApiKeyId, [.. s.Scopes]);
    }

    public Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(state.State.TenantId is not null);

    public async Task RevokeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_refused)
        {
            // Never rewritten from a refused record: the operator decides what the record should be.
            throw new RecordIntegrityException();
        }

        if (state.State.TenantId is null || state.State.RevokedAt is not null)
        {
            return;
        }

        state.State.RevokedAt = timeProvider.GetUtcNow();
        try
        {
            await WriteSealedAsync(cancellationToken);
        }
        catch
        {
            state.State.RevokedAt = null;
            throw;
        }
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator)
    {
        if (methodName is nameof(AuthenticateAsync) or nameof(ExistsAsync))
        {
            // Authentication is how a caller proves its tenant in the first place.
            return true;
        }

        if (callerTenantId is null)
        {
            return false;
        }

        // Before registration the record has no owner yet: the registering tenant becomes the owner.
        return state.State.TenantId is null
            ? methodName == nameof(RegisterAsync)
            : string.Equals(state.State.TenantId, callerTenantId, StringComparison.Ordinal);
    }

    /// <summary>
    /// Once per activation (single-flight; a transient failure is asked again next time): the tenant's record must list
    /// this key, unrevoked, with the same scopes. A tenant record that is itself refused refuses its keys too.
    /// </summary>
    private async Task<bool> ConfirmedByTenantAsync()
    {
        var confirmation = _confirmedByTenant ??= ConfirmWithTenantAsync();
        try
        {
            return await confirmation;
        }
        catch (Exception ex) when (ex is not RecordIntegrityException)
        {
            // Transient (the tenant is unreachable): not a verdict on the record. The key does not authenticate now.
            if (ReferenceEquals(_confirmedByTenant, confirmation))
            {
                _confirmedByTenant = null;
            }

            throw;
        }
    }

    private async Task<bool> ConfirmWithTenantAsync()
    {
        var s = state.State;
        ApiKeyInfo? listed;
        try
        {
            // A tenant record that is itself refused throws RecordIntegrityException (reported by the tenant grain): the
            // key does not authenticate, and the caller, who presented the right key, learns why (503, not 401).
            TenantCallContext.SetTenant(s.TenantId!);
            listed = await GrainFactory.GetGrain<ITenantGrain>(s.TenantId!).GetApiKeyAsync(ApiKeyId);
        }
        catch (TenantAccessDeniedException)
        {
            // No such tenant: a record naming a tenant that does not exist is not one this cluster wrote.
            listed = null;
        }

        if (listed is null || listed.RevokedAt is not null || !listed.Scopes.Order(StringComparer.Ordinal).SequenceEqual(s.Scopes.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            await RefuseAsync(RecordVerdict.Superseded);
            return false;
        }

        return true;
    }

    private async Task RefuseAsync(RecordVerdict verdict)
    {
        _refused = true;
        await records.ReportRefusedAsync(RecordKinds.ApiKey, ApiKeyId, state.State.TenantId, verdict);
    }

    private async Task WriteSealedAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var (version, authenticator) = (s.RecordVersion, s.Authenticator);
        s.RecordVersion++;
        try
        {
            s.Authenticator = await records.ComputeAsync(ApiKeyRecord.Identity(ApiKeyId, s), ApiKeyRecord.Fields(s), cancellationToken);
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            (s.RecordVersion, s.Authenticator) = (version, authenticator);
            throw;
        }
    }
}
