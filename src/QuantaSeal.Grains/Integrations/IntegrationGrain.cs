using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Integrations;

/// <inheritdoc cref="IIntegrationGrain"/>
/// <remarks>
/// <para>
/// The grain owns the integration's configuration and policy: create, update and delete with their validation
/// (<see cref="IntegrationRules"/>), their audit (<see cref="ChangeAudit"/>) and their compensation
/// (<c>IntegrationGrain.Compensation.cs</c>). The two other jobs are plain classes it owns and wires:
/// <see cref="TokenCache"/> (single-flight acquisition, proactive refresh, invalidation by generation, the opened
/// credential), for which the grain is the <see cref="ITokenSource"/> (<c>IntegrationGrain.TokenSource.cs</c>: the
/// credential grain, the connector, a grain timer), and <see cref="ProxyPipeline"/> (a proxied call as ordered
/// fail-closed steps, each refusing with a <see cref="ProxyRefusal"/>).
/// </para>
/// <para>
/// Not reentrant (DESIGN §2, the throughput rule): configuration changes run one at a time, so none of them can read
/// fields before an await and write them after another change interleaved. The proxy and read paths are
/// <c>[AlwaysInterleave]</c> on the interface, so N slow upstream calls still run side by side; a proxied call reads
/// the configuration once, before its first await (<see cref="ProxyCall"/>), and touches only the token cache, whose
/// invalidations by generation keep anything started before a change from being cached after it. Every write of the
/// stored state goes through <see cref="WriteStateAsync"/>.
/// </para>
/// </remarks>
[GrainType("qs.integration")]
internal sealed partial class IntegrationGrain(
    [PersistentState("integration", StorageNames.QuantaSeal)] IPersistentState<IntegrationState> state,
    IConnectorCatalog catalog,
    IEnumerable<IUpstreamConnector> connectors,
    UpstreamHostPolicy hostPolicy,
    IKeyWrapProvider keyWrap,
    IAuditPublisher audit,
    ChangeAudit changes,
    IOptions<UpstreamOptions> upstreamOptions,
    TimeProvider timeProvider,
    ILogger<IntegrationGrain> logger) : Grain, IIntegrationGrain, ITenantOwned, ITokenSource
{
    /// <summary>Made on first use, once the integration exists (its log lines name the tenant).</summary>
    private TokenCache? _tokens;

    private ProxyPipeline? _pipeline;

    /// <summary>Set while a create runs: a second create of the same id is refused.</summary>
    private bool _createInFlight;

    /// <summary>
    /// Credentials attached by a create or update that has not stored (or undone) the change yet, with the tenant that
    /// attached them. See <see cref="UsesCredentialAsync"/>.
    /// </summary>
    private readonly List<(string TenantId, string CredentialId)> _attaching = [];

    private IntegrationState S => state.State;

    private string IntegrationId => this.GetPrimaryKeyString();

    private bool Exists => S.TenantId is not null && !S.Deleted;

    private TokenCache Tokens => _tokens ??= new TokenCache(this, upstreamOptions.Value.CallBudget, timeProvider, logger, S.TenantId!, IntegrationId);

    private ProxyPipeline Pipeline => _pipeline ??= new ProxyPipeline(catalog, hostPolicy, GrainFactory, audit, upstreamOptions.Value.CallBudget, timeProvider, logger);

    public async Task<IntegrationInfo> CreateAsync(CreateIntegrationCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (S.TenantId is not null || _createInFlight)
        {
            throw new InvalidOperationException("Integration id already used.");
        }

        // DESIGN §9, a rejected request changes nothing: every check that can fail runs before the credential records
        // this integration in its used_by (the credential's own type check runs inside the attach, before it adds).
        var tenantId = TenantCallContext.CurrentTenant!;
        var subject = Subject(tenantId, AuditActions.IntegrationCreate);
        string systemType, name, domain, credentialId;
        IReadOnlyList<string> operations;
        try
        {
            systemType = IntegrationRules.RequireSystemType(catalog, command.SystemType);
            name = TenantValidation.RequireName(command.Name, "name");
            domain = IntegrationRules.RequireDomain(hostPolicy, systemType, command.Domain);
            operations = IntegrationRules.RequireOperations(catalog, systemType, command.AllowedOperations);
            credentialId = IntegrationRules.RequireCredentialId(command.CredentialId);
            await RequireUsableCredentialAsync(credentialId, systemType, cancellationToken);
        }
        catch (QuantaSealValidationException ex)
        {
            throw await changes.DeniedAsync(subject, ex);
        }

        _createInFlight = true;
        try
        {
            return await changes.ChangeAsync(subject, () => CreateCoreAsync(tenantId, systemType, name, domain, credentialId, operations), cancellationToken);
        }
        finally
        {
            _createInFlight = false;
        }
    }

    /// <summary>The create after its intent: runs to its end whatever the caller does (ChangeAudit).</summary>
    private async Task<IntegrationInfo> CreateCoreAsync(string tenantId, string systemType, string name, string domain, string credentialId, IReadOnlyList<string> operations)
    {
        var cancellationToken = CancellationToken.None;
        // The directory enforces the per-tenant object limit, so it is the last check and goes first; an id in
        // the directory whose integration does not exist lists as nothing.
        var directory = GrainFactory.GetGrain<ITenantDirectoryGrain>(tenantId);
        await directory.AddAsync(IntegrationId, cancellationToken);
        try
        {
            await AttachCredentialAsync(tenantId, credentialId, systemType, cancellationToken);
            try
            {
                var now = timeProvider.GetUtcNow();
                S.TenantId = tenantId;
                S.SystemType = systemType;
                S.Name = name;
                S.Domain = domain;
                S.CredentialId = credentialId;
                S.AllowedOperations = [.. operations];
                S.CreatedAt = now;
                S.UpdatedAt = now;
                await WriteStateAsync();
            }
            catch (Exception ex)
            {
                state.State = new IntegrationState();
                await DetachAfterFailureAsync(tenantId, credentialId, ex);
                throw;
            }
            finally
            {
                EndAttach(tenantId, credentialId);
            }
        }
        catch (Exception ex)
        {
            await UndoAsync(tenantId, "directory", ex, () => directory.RemoveAsync(IntegrationId, CancellationToken.None));
            throw;
        }

        Log.Created(logger, tenantId, IntegrationId, systemType, operations.Count);
        return ToInfo();
    }

    public Task<IntegrationInfo?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Exists ? ToInfo() : null);

    public async Task<IntegrationInfo> UpdateAsync(UpdateIntegrationCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var subject = Subject(S.TenantId ?? TenantCallContext.CurrentTenant!, AuditActions.IntegrationUpdate);
        await RequireExistsAsync(subject);
        string name, newCredential;
        IReadOnlyList<string> operations;
        try
        {
            name = command.Name is null ? S.Name : TenantValidation.RequireName(command.Name, "name");
            operations = command.AllowedOperations is null ? S.AllowedOperations : IntegrationRules.RequireOperations(catalog, S.SystemType, command.AllowedOperations);
            newCredential = command.CredentialId is null ? S.CredentialId : IntegrationRules.RequireCredentialId(command.CredentialId);
            if (!string.Equals(newCredential, S.CredentialId, StringComparison.Ordinal))
            {
                await RequireUsableCredentialAsync(newCredential, S.SystemType, cancellationToken);
            }
        }
        catch (QuantaSealValidationException ex)
        {
            throw await changes.DeniedAsync(subject, ex);
        }

        return await changes.ChangeAsync(subject, () => UpdateCoreAsync(command, name, operations, newCredential), cancellationToken);
    }

    /// <summary>The update after its intent: runs to its end whatever the caller does (ChangeAudit).</summary>
    private async Task<IntegrationInfo> UpdateCoreAsync(UpdateIntegrationCommand command, string name, IReadOnlyList<string> operations, string newCredential)
    {
        var cancellationToken = CancellationToken.None;
        var tenantId = S.TenantId!;
        var attached = !string.Equals(newCredential, S.CredentialId, StringComparison.Ordinal);

        // Attach the new credential before the state names it (a credential is never used without knowing it), detach
        // the old one only after the state stopped naming it; a failure in between detaches the new one again.
        if (attached)
        {
            await AttachCredentialAsync(tenantId, newCredential, S.SystemType, cancellationToken);
        }

        // Read after the attach: a concurrent update may have moved the integration meanwhile.
        var oldCredential = S.CredentialId;
        try
        {
            // A delete may have interleaved with the attach: never store (or keep attached) a deleted integration.
            RequireExists();
            var previous = (S.Name, S.AllowedOperations, S.CredentialId, S.UpdatedAt);
            S.Name = name;
            S.AllowedOperations = [.. operations];
            S.CredentialId = newCredential;
            S.UpdatedAt = timeProvider.GetUtcNow();
            try
            {
                await WriteStateAsync();
            }
            catch
            {
                (S.Name, S.AllowedOperations, S.CredentialId, S.UpdatedAt) = previous;
                throw;
            }
        }
        catch (Exception ex) when (attached)
        {
            await DetachAfterFailureAsync(tenantId, newCredential, ex);
            throw;
        }
        finally
        {
            if (attached)
            {
                EndAttach(tenantId, newCredential);
            }
        }

        if (!string.Equals(newCredential, oldCredential, StringComparison.Ordinal))
        {
            _tokens?.InvalidateCredential();

            // The update is stored: a failed detach must not turn it into an error. The old credential keeps a stale
            // used_by entry, which it drops itself when it is deleted (CredentialGrain.DeleteAsync asks this grain).
            await DetachBestEffortAsync(tenantId, oldCredential);
        }
        else if (command.AllowedOperations is not null)
        {
            // Okta scopes are derived from the allowed operations: a new set needs a new token.
            _tokens?.Invalidate();
        }

        Log.Updated(logger, tenantId, IntegrationId);
        return ToInfo();
    }

    public async Task<IntegrationInfo> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var subject = Subject(S.TenantId ?? TenantCallContext.CurrentTenant!, AuditActions.IntegrationDelete);
        if (!Exists)
        {
            if (S.Deleted)
            {
                // Deleted before, but the directory cleanup may have failed then: a repeated delete retries it.
                await RemoveFromDirectoryBestEffortAsync(S.TenantId!);
            }

            throw await changes.DeniedAsync(subject, new TenantAccessDeniedException());
        }

        return await changes.ChangeAsync(subject, DeleteCoreAsync, cancellationToken);
    }

    /// <summary>The delete after its intent: runs to its end whatever the caller does (ChangeAudit).</summary>
    private async Task<IntegrationInfo> DeleteCoreAsync()
    {
        var info = ToInfo();
        var tenantId = S.TenantId!;
        S.Deleted = true;
        try
        {
            await WriteStateAsync();
        }
        catch
        {
            S.Deleted = false;
            throw;
        }

        _tokens?.InvalidateCredential();

        // The deletion is stored; a failed detach leaves a stale entry the credential drops when it is deleted, and a
        // failed directory removal a stale id that lists as nothing (a repeated delete retries it).
        await DetachBestEffortAsync(tenantId, info.CredentialId);
        Log.Deleted(logger, tenantId, IntegrationId);
        await RemoveFromDirectoryBestEffortAsync(tenantId);
        return info;
    }

    public Task<bool> UsesCredentialAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        // An attach still in flight counts: the credential must not drop (and then be deleted under) a create or an
        // update that is about to store it. Only the caller's own tenant's attaches count.
        var tenantId = TenantCallContext.CurrentTenant;
        var uses = (Exists && string.Equals(S.CredentialId, credentialId, StringComparison.Ordinal))
            || _attaching.Contains((tenantId ?? string.Empty, credentialId));
        return Task.FromResult(uses);
    }

    public Task CredentialRotatedAsync(int version, CancellationToken cancellationToken = default)
    {
        _tokens?.CredentialRotated(version);
        return Task.CompletedTask;
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken = default)
    {
        var subject = Subject(S.TenantId ?? TenantCallContext.CurrentTenant!, AuditActions.IntegrationCheck);
        await RequireExistsAsync(subject);

        // Changes nothing of QuantaSeal's (a token request upstream, a dropped cache): one event after the check,
        // success or failed, recorded whatever the caller does.
        var check = await CheckCoreAsync();
        await changes.RecordAsync(subject, check.Ok ? AuditOutcomes.Success : AuditOutcomes.Failed);
        return check;
    }

    private async Task<ConnectionCheck> CheckCoreAsync()
    {
        Tokens.Invalidate();
        try
        {
            var token = await Tokens.GetAsync();
            var required = S.AllowedOperations
                .SelectMany(o => catalog.TryGetOperation(S.SystemType, o, out var d) ? d.RequiredScopes : [])
                .Distinct(StringComparer.Ordinal);
            var missing = token.Token.Scheme == "SSWS"
                ? []
                : required.Where(r => !token.Token.GrantedScopes.Contains(r, StringComparer.Ordinal)).ToList();
            return new ConnectionCheck(true, token.Token.GrantedScopes, token.Token.ExpiresAt == DateTimeOffset.MaxValue ? null : token.Token.ExpiresAt, null, null, missing);
        }
        catch (UpstreamCallException ex)
        {
            return new ConnectionCheck(false, [], null, ProxyPipeline.ErrorTypeFor(ex.Outcome), ex.Message, []);
        }
    }

    public Task<ProxyResult> ProxyAsync(ProxyCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireExists();

        // The configuration as it is now, read before the first await: every step of this call sees the same one.
        var call = new ProxyCall(command, S.TenantId!, IntegrationId, S.SystemType, S.Domain, S.AllowedOperations, Connector(), Tokens, timeProvider.GetTimestamp());
        return Pipeline.RunAsync(call, cancellationToken);
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator)
    {
        if (methodName == nameof(CredentialRotatedAsync))
        {
            // Sent by the credential grain, which carries the tenant of the rotating caller.
            return callerTenantId is not null && (S.TenantId is null || string.Equals(S.TenantId, callerTenantId, StringComparison.Ordinal));
        }

        if (callerTenantId is null)
        {
            return false;
        }

        return S.TenantId is null
            ? methodName is nameof(CreateAsync) or nameof(GetAsync) or nameof(DeleteAsync) or nameof(UsesCredentialAsync)
            : string.Equals(S.TenantId, callerTenantId, StringComparison.Ordinal);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _tokens?.InvalidateCredential();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The one place the integration's stored state is written. Not the request's token: every caller writes after its
    /// intent was recorded, and a change that has begun must finish (or fail) whatever the caller does.
    /// </summary>
    private Task WriteStateAsync() => WriteSealedStateAsync(CancellationToken.None);

    private IUpstreamConnector Connector() =>
        connectors.FirstOrDefault(c => string.Equals(c.SystemType, S.SystemType, StringComparison.Ordinal))
        ?? throw new InvalidOperationException("No connector is registered for this system type.");

    /// <summary>What this integration's audit events name: the tenant's chain, the action, the integration (object and integration id).</summary>
    private AuditSubject Subject(string tenantId, string action) => new(tenantId, action, IntegrationId, IntegrationId);

    /// <summary>
    /// <see cref="RequireExists"/> for an audited action: a deleted integration (whose tenant is known) is refused with
    /// a denied event. One that never existed has no tenant here; the isolation filter refuses those calls.
    /// </summary>
    private async Task RequireExistsAsync(AuditSubject subject)
    {
        if (!Exists)
        {
            throw S.TenantId is null ? new TenantAccessDeniedException() : await changes.DeniedAsync(subject, new TenantAccessDeniedException());
        }
    }

    private void RequireExists()
    {
        if (!Exists)
        {
            throw new TenantAccessDeniedException();
        }
    }

    private IntegrationInfo ToInfo() =>
        new(IntegrationId, S.SystemType, S.Name, S.Domain, S.CredentialId, [.. S.AllowedOperations], S.CreatedAt, S.UpdatedAt);
}
