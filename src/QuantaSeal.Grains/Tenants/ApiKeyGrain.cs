using System.Security.Cryptography;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Tenants;

/// <inheritdoc cref="IApiKeyGrain"/>
[GrainType("qs.apikey")]
internal sealed class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.QuantaSeal)] IPersistentState<ApiKeyGrainState> state,
    TimeProvider timeProvider) : Grain, IApiKeyGrain, ITenantOwned
{
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
        await state.WriteStateAsync(cancellationToken);
    }

    public Task<ApiKeyPrincipal?> AuthenticateAsync(byte[] presentedKeyHash, CancellationToken cancellationToken = default)
    {
        var s = state.State;
        if (s.TenantId is null || presentedKeyHash is null || presentedKeyHash.Length != s.KeyHash.Length)
        {
            return Task.FromResult<ApiKeyPrincipal?>(null);
        }

        // Constant-time: the comparison must not leak how many leading bytes of the hash matched.
        var match = CryptographicOperations.FixedTimeEquals(presentedKeyHash, s.KeyHash);
        if (!match || s.RevokedAt is not null)
        {
            return Task.FromResult<ApiKeyPrincipal?>(null);
        }

        return Task.FromResult<ApiKeyPrincipal?>(new ApiKeyPrincipal(s.TenantId, this.GetPrimaryKeyString(), [.. s.Scopes]));
    }

    public Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(state.State.TenantId is not null);

    public async Task RevokeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (state.State.TenantId is null || state.State.RevokedAt is not null)
        {
            return;
        }

        state.State.RevokedAt = timeProvider.GetUtcNow();
        await state.WriteStateAsync(cancellationToken);
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
}
