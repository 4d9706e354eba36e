using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Vault;

namespace QuantaSeal.Grains.Integrations;

/// <inheritdoc cref="IIntegrationGrain"/>
/// <remarks>
/// Not reentrant (DESIGN §2, the throughput rule): configuration changes (create, update, delete) run one at a time,
/// so none of them can read fields before an await and write them after another change interleaved. The proxy and
/// read paths are <c>[AlwaysInterleave]</c> on the interface, so N slow upstream calls still run side by side; they
/// only read the configuration and touch the caches, which are single references swapped whole. Token acquisition
/// is single-flight through one shared <see cref="Task"/> (<see cref="_tokenTask"/>), and every invalidation bumps
/// <see cref="_generation"/> so an acquisition or credential fetch that started before it never caches its result.
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
    ILogger<IntegrationGrain> logger) : Grain, IIntegrationGrain, ITenantOwned
{
    /// <summary>Tokens are refreshed once 80 % of their lifetime has passed (DESIGN: at most ~80 %).</summary>
    internal const double RefreshAtLifetimeFraction = 0.8;

    /// <summary>A token this close to expiry is not used any more; callers wait for the refresh.</summary>
    internal static readonly TimeSpan ExpirySafetyMargin = TimeSpan.FromSeconds(5);

    internal const int MaxAllowedOperations = 64;

    /// <summary>What a caller is told when the stored domain is not (any more) allowed: no allowlist patterns, no host.</summary>
    internal const string HostNotAllowedMessage = "The integration's domain is not allowed by the outbound host policy; ask the operator to allow it.";

    /// <summary>
    /// The longest Retry-After handed to a caller. An upstream's wait (or a far-off HTTP date or reset) beyond this is
    /// cut to it: the caller then asks again sooner and, at worst, is told to wait again.
    /// </summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private CachedToken? _token;
    private Task<CachedToken>? _tokenTask;
    private CachedCredential? _credential;
    private IGrainTimer? _refreshTimer;

    /// <summary>
    /// Bumped by every invalidation (rotation, credential change, new scopes, delete): an acquisition or a credential
    /// fetch that started under an older generation never caches its result.
    /// </summary>
    private long _generation;

    /// <summary>Set while a create runs (the grain is reentrant): a second create of the same id is refused.</summary>
    private bool _createInFlight;

    /// <summary>
    /// Credentials attached by a create or update that has not stored (or undone) the change yet, with the tenant that
    /// attached them; a list because updates interleave. See <see cref="UsesCredentialAsync"/>.
    /// </summary>
    private readonly List<(string TenantId, string CredentialId)> _attaching = [];

    private IntegrationState S => state.State;

    private string IntegrationId => this.GetPrimaryKeyString();

    private bool Exists => S.TenantId is not null && !S.Deleted;

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
            systemType = RequireSystemType(command.SystemType);
            name = TenantValidation.RequireName(command.Name, "name");
            domain = RequireDomain(systemType, command.Domain);
            operations = RequireOperations(systemType, command.AllowedOperations);
            credentialId = RequireCredentialId(command.CredentialId);
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
                await WriteSealedStateAsync(cancellationToken);
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
            operations = command.AllowedOperations is null ? S.AllowedOperations : RequireOperations(S.SystemType, command.AllowedOperations);
            newCredential = command.CredentialId is null ? S.CredentialId : RequireCredentialId(command.CredentialId);
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
                await WriteSealedStateAsync(cancellationToken);
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
            DropCredentialAndToken();

            // The update is stored: a failed detach must not turn it into an error. The old credential keeps a stale
            // used_by entry, which it drops itself when it is deleted (CredentialGrain.DeleteAsync asks this grain).
            await DetachBestEffortAsync(tenantId, oldCredential);
        }
        else if (command.AllowedOperations is not null)
        {
            // Okta scopes are derived from the allowed operations: a new set needs a new token.
            DropToken();
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
            await WriteSealedStateAsync(CancellationToken.None);
        }
        catch
        {
            S.Deleted = false;
            throw;
        }

        DropCredentialAndToken();

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
        if (_credential is null || _credential.Version < version)
        {
            DropCredentialAndToken();
        }

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
        DropToken();
        try
        {
            var token = await GetTokenAsync();
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
            return new ConnectionCheck(false, [], null, ErrorTypeFor(ex.Outcome), ex.Message, []);
        }
    }

    public async Task<ProxyResult> ProxyAsync(ProxyCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireExists();
        var started = timeProvider.GetTimestamp();
        var tenantId = S.TenantId!;

        // Policy first, in a fixed order, each failing closed before anything leaves the silo. Each refusal is this
        // call's one event (denied).
        if (!catalog.TryGetOperation(S.SystemType, command.Operation, out var descriptor))
        {
            return await DeniedAsync(command, started, ProxyErrorTypes.UnknownOperation, $"'{S.SystemType}' has no operation with that name; see GET /api/v2/connectors.", "operation");
        }

        if (!S.AllowedOperations.Contains(command.Operation, StringComparer.Ordinal))
        {
            Log.OperationDenied(logger, tenantId, IntegrationId, command.Operation);
            return await DeniedAsync(command, started, ProxyErrorTypes.OperationNotAllowed, "The operation is not on this integration's allowlist.", "operation");
        }

        JsonElement? payload = null;
        try
        {
            if (command.PayloadJson is not null)
            {
                using var document = JsonDocument.Parse(command.PayloadJson);
                payload = document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            return await DeniedAsync(command, started, ProxyErrorTypes.InvalidPayload, "'payload' is not valid JSON.", "payload");
        }

        var validation = catalog.Validate(S.SystemType, command.Operation, payload);
        if (!validation.IsValid)
        {
            return await DeniedAsync(command, started, ProxyErrorTypes.InvalidPayload, validation.Message!, "payload." + validation.Field);
        }

        // The operator's outbound allowlist may have changed since the integration was stored: a domain it no longer
        // allows is refused here like any other policy check, audited once as denied, before a token is asked for.
        // The message is fixed: the allowlist is the operator's configuration, not the tenant's to read.
        if (!hostPolicy.TryCreateTarget(S.SystemType, S.Domain, out var allowedTarget, out _))
        {
            Log.HostDenied(logger, tenantId, IntegrationId, command.Operation);
            return await DeniedAsync(command, started, ProxyErrorTypes.Unreachable, HostNotAllowedMessage, "domain");
        }

        // Without a recipient key nothing can be delivered: refuse before a write operation runs upstream. The material
        // is read once per call; the sealer is told its version, so it does not read it again.
        var material = await GrainFactory.GetGrain<ITenantGrain>(tenantId).GetSealingMaterialAsync(cancellationToken);
        if (material.FindRecipient(command.RecipientKeyId) is not { } recipient)
        {
            return await DeniedAsync(command, started, ProxyErrorTypes.NoRecipientKey, "Register a recipient key with POST /api/v2/tenant/recipient-keys before proxying.", "recipient_key_id");
        }

        // DESIGN §7, no side effect without its event: a write records its intent durably before the upstream sees it.
        // If the intent cannot be recorded the publish throws (503 at the front door) and the upstream is never called.
        string? attemptEventId = null;
        if (descriptor.IsWrite)
        {
            attemptEventId = AuditIds.New();
            // Not the caller's token: an intent that became durable must always get its outcome. A caller that gives up
            // now still gets one (cancelled), because the linked token below is already cancelled.
            await audit.PublishAsync(Event(attemptEventId, command, AuditOutcomes.Attempted, null, null, null), CancellationToken.None);
        }

        // One deadline for token acquisition, send and body read (UpstreamOptions.CallBudget), ending before the
        // grain-call timeout; the caller's cancellation (a disconnected client) abandons the upstream call too.
        using var deadline = new CancellationTokenSource(upstreamOptions.Value.CallBudget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var response = await CallUpstreamAsync(command.Operation, allowedTarget!, validation.Payload!.Value, linked.Token);
        var outcome = response.Outcome switch
        {
            UpstreamOutcome.Success => AuditOutcomes.Success,
            _ when cancellationToken.IsCancellationRequested => AuditOutcomes.Cancelled,
            UpstreamOutcome.Timeout => AuditOutcomes.Timeout,
            _ => AuditOutcomes.Failed,
        };

        // The outcome is recorded whatever the caller does: never with the caller's token, so a disconnected client
        // or a cancelled request cannot suppress it. For a read it is the one event, recorded before any data leaves.
        var eventId = AuditIds.New();
        var latency = (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;
        await audit.PublishAsync(Event(eventId, command, outcome, response.StatusCode == 0 ? null : response.StatusCode, latency, attemptEventId), CancellationToken.None);
        Log.Proxied(logger, tenantId, IntegrationId, command.Operation, response.StatusCode, latency);
        cancellationToken.ThrowIfCancellationRequested();

        var success = response.Outcome == UpstreamOutcome.Success;
        var errorType = success ? null : ErrorTypeFor(response.Outcome);
        var body = response.Body.IsEmpty ? "{}"u8.ToArray() : response.Body.ToArray();
        var sealedEnvelope = await GrainFactory.GetGrain<IEnvelopeSealerGrain>(tenantId).SealAsync(
            new EnvelopeRequest(recipient.RecipientKeyId, eventId, success, body, errorType, success ? null : response.ErrorMessage ?? "The upstream call failed.", response.StatusCode == 0 ? null : response.StatusCode, material.KeyVersion),
            CancellationToken.None);
        CryptographicOperations.ZeroMemory(body);
        return new ProxyResult(
            eventId,
            success,
            sealedEnvelope.Json,
            errorType,
            success ? null : response.ErrorMessage,
            null,
            response.StatusCode == 0 ? null : response.StatusCode,
            RetryAfterSeconds(response.RetryAfter),
            response.NextCursor,
            RateLimitHeaders(response.RateLimit));
    }

    /// <summary>
    /// Token, send and body read under <paramref name="cancellationToken"/> (the call's deadline linked with the
    /// caller's token). Every failure comes back as a value: a cancelled or timed-out call is
    /// <see cref="UpstreamOutcome.Timeout"/> (the caller tells the two apart by its own token).
    /// </summary>
    private async Task<UpstreamResponse> CallUpstreamAsync(string operation, ConnectorTarget target, JsonElement payload, CancellationToken cancellationToken)
    {
        var connector = Connector();
        try
        {
            // The acquisition is shared (single-flight) and has its own deadline; this caller only stops waiting.
            var token = await GetTokenAsync().WaitAsync(cancellationToken);
            var response = await connector.ExecuteAsync(target, token.Token, operation, payload, cancellationToken);
            if (response.Outcome == UpstreamOutcome.Unauthorized)
            {
                // The one hand-written retry: the token was refused, so drop it, get a fresh one (single-flight
                // with any concurrent caller that saw the same 401) and try once more.
                Log.TokenRejected(logger, S.TenantId!, IntegrationId);
                DropToken(token);
                token = await GetTokenAsync().WaitAsync(cancellationToken);
                response = await connector.ExecuteAsync(target, token.Token, operation, payload, cancellationToken);
            }

            return response;
        }
        catch (UpstreamCallException ex)
        {
            // A rate-limited token endpoint carries its wait like a rate-limited management call does.
            return new UpstreamResponse(ex.Outcome, ex.StatusCode, ReadOnlyMemory<byte>.Empty, ex.ErrorCode, ex.Message, RetryAfter: ex.RetryAfter);
        }
        catch (HttpRequestException)
        {
            return new UpstreamResponse(UpstreamOutcome.Unreachable, 0, ReadOnlyMemory<byte>.Empty, null, "The upstream could not be reached.");
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            return new UpstreamResponse(UpstreamOutcome.Timeout, 0, ReadOnlyMemory<byte>.Empty, null, "The upstream did not answer in time.");
        }
    }

    private AuditEvent Event(string eventId, ProxyCommand command, string outcome, int? upstreamStatus, long? latencyMs, string? attemptEventId) =>
        new(eventId, S.TenantId!, null, timeProvider.GetUtcNow(), command.ActorApiKeyId, AuditActions.ProxyOutbound, IntegrationId,
            command.Operation.Length > 64 ? command.Operation[..64] : command.Operation, outcome, upstreamStatus, command.RequestSha256, latencyMs, AttemptEventId: attemptEventId);

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
        DropCredentialAndToken();
        return Task.CompletedTask;
    }

    private async Task<ProxyResult> DeniedAsync(ProxyCommand command, long started, string errorType, string message, string field)
    {
        var eventId = AuditIds.New();
        var latency = (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;
        await audit.PublishAsync(Event(eventId, command, AuditOutcomes.Denied, null, latency, null), CancellationToken.None);
        return new ProxyResult(eventId, false, null, errorType, message, field, null, null, null, null);
    }

    private Task<CachedToken> GetTokenAsync()
    {
        var now = timeProvider.GetUtcNow();
        var cached = _token;
        if (cached is not null && now < cached.Token.ExpiresAt - ExpirySafetyMargin)
        {
            if (now >= cached.RefreshAt)
            {
                // Past 80 %: keep serving the current token and refresh in the background, once.
                _ = RefreshQuietlyAsync();
            }

            return Task.FromResult(cached);
        }

        return StartAcquisition();
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await StartAcquisition();
        }
        catch (Exception ex) when (ex is UpstreamCallException or HttpRequestException or OperationCanceledException)
        {
            // The current token is still valid; the next caller past expiry retries and reports the failure.
            Log.BackgroundRefreshFailed(logger, S.TenantId ?? string.Empty, IntegrationId, ex.GetType());
        }
    }

    private Task<CachedToken> StartAcquisition()
    {
        if (_tokenTask is { IsCompleted: false } inflight)
        {
            return inflight;
        }

        var task = AcquireAsync(_generation);
        _tokenTask = task;
        return task;
    }

    /// <summary>
    /// One shared acquisition. It runs under its own deadline (<see cref="UpstreamOptions.CallBudget"/>), not a
    /// caller's token, so a token endpoint that drips its body cannot hold it, and every waiting caller gives up at
    /// its own deadline. It caches its token only if nothing invalidated the cache meanwhile (<paramref name="generation"/>):
    /// a rotation, a credential change or new scopes while it was in flight make its token stale.
    /// </summary>
    private async Task<CachedToken> AcquireAsync(long generation)
    {
        using var deadline = new CancellationTokenSource(upstreamOptions.Value.CallBudget, timeProvider);
        var credential = await GetCredentialAsync(deadline.Token);
        var token = await Connector().AcquireTokenAsync(Target(), credential.Credential, S.AllowedOperations, deadline.Token);
        var acquiredAt = timeProvider.GetUtcNow();
        var lifetime = token.ExpiresAt == DateTimeOffset.MaxValue ? TimeSpan.MaxValue : token.ExpiresAt - acquiredAt;
        var refreshAt = lifetime == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : acquiredAt + (lifetime * RefreshAtLifetimeFraction);
        var cached = new CachedToken(token, refreshAt, credential.Version);
        if (generation == _generation)
        {
            _token = cached;
            ScheduleRefresh(refreshAt - acquiredAt);
        }

        Log.TokenAcquired(logger, S.TenantId!, IntegrationId, token.Scheme, token.ExpiresAt);
        return cached;
    }

    private void ScheduleRefresh(TimeSpan dueIn)
    {
        _refreshTimer?.Dispose();
        _refreshTimer = null;
        if (dueIn <= TimeSpan.Zero || dueIn >= TimeSpan.FromDays(1))
        {
            return;
        }

        Log.RefreshScheduled(logger, S.TenantId ?? string.Empty, IntegrationId, dueIn);

        // Proactive refresh while the integration is active; the timer does not keep the grain alive.
        _refreshTimer = this.RegisterGrainTimer(
            static (grain, ct) => grain.RefreshQuietlyAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = dueIn, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = false });
    }

    private async Task<CachedCredential> GetCredentialAsync(CancellationToken cancellationToken)
    {
        if (_credential is { } cached)
        {
            return cached;
        }

        // A rotation (or a credential change) arriving while this fetch awaits bumps the generation: the values read
        // here may be the old ones, so they serve this acquisition only and are not cached.
        var generation = _generation;
        var sealedCredential = await GrainFactory.GetGrain<ICredentialGrain>(S.CredentialId).GetSealedAsync(cancellationToken);
        var plaintext = await CredentialSealing.UnsealAsync(GrainFactory, keyWrap, S.TenantId!, S.CredentialId, sealedCredential, cancellationToken);
        try
        {
            var credential = new CachedCredential(CredentialTypes.ToUpstream(sealedCredential.CredentialType, plaintext), sealedCredential.Version);
            if (generation == _generation)
            {
                _credential = credential;
            }

            return credential;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Drops the cached token (only <paramref name="onlyIf"/>, when given: a 401 retry must not drop a newer token a
    /// concurrent caller already fetched). Dropping everything also invalidates an acquisition in flight.
    /// </summary>
    private void DropToken(CachedToken? onlyIf = null)
    {
        if (onlyIf is null || ReferenceEquals(_token, onlyIf))
        {
            if (onlyIf is null)
            {
                _generation++;
                _tokenTask = null;
            }

            _token = null;
            _refreshTimer?.Dispose();
            _refreshTimer = null;
        }
    }

    private void DropCredentialAndToken()
    {
        _credential = null;
        DropToken();
    }

    private IUpstreamConnector Connector() =>
        connectors.FirstOrDefault(c => string.Equals(c.SystemType, S.SystemType, StringComparison.Ordinal))
        ?? throw new InvalidOperationException("No connector is registered for this system type.");

    private ConnectorTarget Target() =>
        hostPolicy.TryCreateTarget(S.SystemType, S.Domain, out var target, out _)
            ? target!
            : throw new UpstreamCallException(UpstreamOutcome.Unreachable, 0, null, HostNotAllowedMessage);

    private static string RequireCredentialId(string? credentialId) =>
        Ids.IsValid(credentialId, Ids.Credential)
            ? credentialId!
            : throw new QuantaSealValidationException("credential_id", "'credential_id' must be the id of a sealed credential (cred_...).");

    /// <summary>
    /// The credential checks of the attach, made before the intent so that a refused create or update is one denied
    /// event (not an intent and a denied outcome). The attach repeats them: a credential deleted in between is still refused.
    /// </summary>
    private async Task RequireUsableCredentialAsync(string credentialId, string systemType, CancellationToken cancellationToken)
    {
        CredentialInfo? credential;
        try
        {
            credential = await GrainFactory.GetGrain<ICredentialGrain>(credentialId).GetAsync(cancellationToken);
        }
        catch (TenantAccessDeniedException)
        {
            credential = null;
        }

        if (credential is null)
        {
            throw new QuantaSealValidationException("credential_id", "No credential with that id exists for this tenant.");
        }

        var spec = CredentialTypes.Find(credential.CredentialType)!;
        if (!spec.SystemTypes.Contains(systemType, StringComparer.Ordinal))
        {
            throw new QuantaSealValidationException("credential_id", $"A {credential.CredentialType} credential cannot be used by a {systemType} integration (accepted by: {string.Join(", ", spec.SystemTypes)}).");
        }
    }

    /// <summary>
    /// Records this integration in the credential's used_by. On success the credential stays in
    /// <see cref="_attaching"/> until the caller stored or undid the change and called <see cref="EndAttach"/>.
    /// </summary>
    private async Task AttachCredentialAsync(string tenantId, string credentialId, string systemType, CancellationToken cancellationToken)
    {
        _attaching.Add((tenantId, credentialId));
        try
        {
            await GrainFactory.GetGrain<ICredentialGrain>(credentialId).AttachAsync(IntegrationId, systemType, cancellationToken);
        }
        catch (TenantAccessDeniedException)
        {
            EndAttach(tenantId, credentialId);
            throw new QuantaSealValidationException("credential_id", "No credential with that id exists for this tenant.");
        }
        catch
        {
            EndAttach(tenantId, credentialId);
            throw;
        }
    }

    private void EndAttach(string tenantId, string credentialId) => _attaching.Remove((tenantId, credentialId));

    /// <summary>
    /// Compensation after a failure that followed the attach: the credential forgets this integration again. The
    /// original failure is what the caller gets; if the detach fails too it is only logged (its type, no message),
    /// and the credential drops the stale entry itself when it is deleted.
    /// </summary>
    private Task DetachAfterFailureAsync(string tenantId, string credentialId, Exception original) =>
        UndoAsync(tenantId, "credential", original, () => GrainFactory.GetGrain<ICredentialGrain>(credentialId).DetachAsync(IntegrationId, CancellationToken.None));

    /// <summary>
    /// Runs one compensation step. It ignores the request's cancellation token on purpose (a cancelled request must
    /// still be undone) and never throws: the caller rethrows the original exception.
    /// </summary>
    private async Task UndoAsync(string tenantId, string step, Exception original, Func<Task> undo)
    {
        var originalType = original.GetType();
        try
        {
            await undo();
            Log.Compensated(logger, tenantId, IntegrationId, step, originalType);
        }
        catch (Exception ex)
        {
            Log.CompensationFailed(logger, tenantId, IntegrationId, step, originalType, ex.GetType());
        }
    }

    /// <summary>Detaches a credential the stored state no longer names; a failure is logged, not thrown.</summary>
    private async Task DetachBestEffortAsync(string tenantId, string credentialId)
    {
        try
        {
            await GrainFactory.GetGrain<ICredentialGrain>(credentialId).DetachAsync(IntegrationId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DetachFailed(logger, tenantId, IntegrationId, ex.GetType());
        }
    }

    /// <summary>
    /// Removes the id from the tenant directory after the deletion was stored. The deletion happened, so a failure here
    /// must not turn it into an error: it is logged (exception type only), the stale id lists as nothing, and a
    /// repeated delete retries the removal. Not the request's token: the cleanup belongs to a stored change.
    /// </summary>
    private async Task RemoveFromDirectoryBestEffortAsync(string tenantId)
    {
        try
        {
            await GrainFactory.GetGrain<ITenantDirectoryGrain>(tenantId).RemoveAsync(IntegrationId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DirectoryCleanupFailed(logger, tenantId, IntegrationId, ex.GetType());
        }
    }

    private string RequireSystemType(string? systemType) =>
        systemType is not null && catalog.SystemTypes.Contains(systemType, StringComparer.Ordinal)
            ? systemType
            : throw new QuantaSealValidationException("system_type", $"'system_type' must be one of: {string.Join(", ", catalog.SystemTypes)}.");

    private string RequireDomain(string systemType, string? domain) =>
        hostPolicy.TryCreateTarget(systemType, domain, out var target, out var error)
            ? domain!.Trim()
            : throw new QuantaSealValidationException("domain", error!);

    private IReadOnlyList<string> RequireOperations(string systemType, IReadOnlyList<string>? operations)
    {
        if (operations is null)
        {
            return [];
        }

        if (operations.Count > MaxAllowedOperations)
        {
            throw new QuantaSealValidationException("allowed_operations", $"'allowed_operations' may name at most {MaxAllowedOperations} operations.");
        }

        foreach (var operation in operations)
        {
            if (!catalog.TryGetOperation(systemType, operation ?? string.Empty, out _))
            {
                throw new QuantaSealValidationException("allowed_operations", $"'allowed_operations' contains an operation {systemType} does not have; see GET /api/v2/connectors.");
            }
        }

        return [.. operations.Distinct(StringComparer.Ordinal)];
    }

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

    /// <summary>
    /// The wait as Retry-After delta-seconds (RFC 9110 §10.2.3): whole seconds rounded up, never negative, at most
    /// <see cref="MaxRetryAfter"/> (which also keeps a far-off date from overflowing the int).
    /// </summary>
    internal static int? RetryAfterSeconds(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? (int)Math.Ceiling(Math.Clamp(wait.TotalSeconds, 0, MaxRetryAfter.TotalSeconds)) : null;

    private static string ErrorTypeFor(UpstreamOutcome outcome) => outcome switch
    {
        UpstreamOutcome.Unauthorized => ProxyErrorTypes.Unauthorized,
        UpstreamOutcome.Forbidden => ProxyErrorTypes.Forbidden,
        UpstreamOutcome.NotFound => ProxyErrorTypes.NotFound,
        UpstreamOutcome.ClientError => ProxyErrorTypes.ClientError,
        UpstreamOutcome.RateLimited => ProxyErrorTypes.RateLimited,
        UpstreamOutcome.ServerError => ProxyErrorTypes.ServerError,
        UpstreamOutcome.Timeout => ProxyErrorTypes.Timeout,
        UpstreamOutcome.CredentialRejected => ProxyErrorTypes.CredentialRejected,
        _ => ProxyErrorTypes.Unreachable,
    };

    private static Dictionary<string, string>? RateLimitHeaders(RateLimitInfo? rateLimit)
    {
        if (rateLimit is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rateLimit.Limit is { } limit)
        {
            headers["limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        if (rateLimit.Remaining is { } remaining)
        {
            headers["remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        }

        if (rateLimit.ResetAt is { } reset)
        {
            headers["reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return headers;
    }

    private sealed record CachedToken(UpstreamToken Token, DateTimeOffset RefreshAt, int CredentialVersion);

    private sealed record CachedCredential(UpstreamCredential Credential, int Version);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Tenant {TenantId} created integration {IntegrationId} ({SystemType}, {OperationCount} operations allowed)")]
        public static partial void Created(ILogger logger, string tenantId, string integrationId, string systemType, int operationCount);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Tenant {TenantId} updated integration {IntegrationId}")]
        public static partial void Updated(ILogger logger, string tenantId, string integrationId);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Tenant {TenantId} deleted integration {IntegrationId}")]
        public static partial void Deleted(ILogger logger, string tenantId, string integrationId);

        [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: operation {Operation} denied by policy")]
        public static partial void OperationDenied(ILogger logger, string tenantId, string integrationId, string operation);

        [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: upstream refused the token; re-acquiring once")]
        public static partial void TokenRejected(ILogger logger, string tenantId, string integrationId);

        [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: acquired a {Scheme} token expiring {ExpiresAt}")]
        public static partial void TokenAcquired(ILogger logger, string tenantId, string integrationId, string scheme, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 1308, Level = LogLevel.Warning, Message = "Integration {IntegrationId} of tenant {TenantId}: background token refresh failed ({ExceptionType})")]
        public static partial void BackgroundRefreshFailed(ILogger logger, string tenantId, string integrationId, Type exceptionType);

        [LoggerMessage(EventId = 1309, Level = LogLevel.Debug, Message = "Integration {IntegrationId} of tenant {TenantId}: token refresh scheduled in {DueIn}")]
        public static partial void RefreshScheduled(ILogger logger, string tenantId, string integrationId, TimeSpan dueIn);

        [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: undid the {Step} step after a failed request ({ExceptionType})")]
        public static partial void Compensated(ILogger logger, string tenantId, string integrationId, string step, Type exceptionType);

        [LoggerMessage(EventId = 1311, Level = LogLevel.Error, Message = "Integration {IntegrationId} of tenant {TenantId}: could not undo the {Step} step after a failed request ({ExceptionType}); the undo failed with {UndoExceptionType}")]
        public static partial void CompensationFailed(ILogger logger, string tenantId, string integrationId, string step, Type exceptionType, Type undoExceptionType);

        [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Integration {IntegrationId} of tenant {TenantId}: detaching its former credential failed ({ExceptionType}); the credential drops the stale entry when it is deleted")]
        public static partial void DetachFailed(ILogger logger, string tenantId, string integrationId, Type exceptionType);

        [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Integration {IntegrationId} of tenant {TenantId}: deleted, but removing it from the directory failed ({ExceptionType}); it lists as nothing and a repeated delete retries")]
        public static partial void DirectoryCleanupFailed(ILogger logger, string tenantId, string integrationId, Type exceptionType);

        [LoggerMessage(EventId = 1314, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: its domain is not allowed by the outbound host policy; {Operation} refused before any upstream call")]
        public static partial void HostDenied(ILogger logger, string tenantId, string integrationId, string operation);

        [LoggerMessage(EventId = 1307, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: {Operation} answered {Status} in {LatencyMs} ms")]
        public static partial void Proxied(ILogger logger, string tenantId, string integrationId, string operation, int status, long latencyMs);
    }
}
