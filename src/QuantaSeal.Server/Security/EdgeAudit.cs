using System.Security.Claims;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Audit events for actions the front door completes or refuses, through the same publisher seam as the grains
/// (<see cref="IAuditIngressGrain"/> → <see cref="IAuditPublisher"/>). One request produces exactly one event: the
/// first publish marks the request as audited, a second one is a bug and throws, and
/// <see cref="PublishDeniedAsync"/> does nothing for a request that already has its event.
/// </summary>
/// <remarks>
/// Ordering rule: an action that returns data (unseal, proxy, echo) publishes BEFORE the data leaves, so nothing
/// is handed out unaudited; a change publishes AFTER the grain call succeeded, so the chain records only changes
/// that happened. Either way, when the publish throws (<c>AuditStreamUnavailableException</c>) the exception
/// handler answers 503 and the caller gets no data and no <c>audit_event_id</c>.
/// </remarks>
internal sealed class EdgeAudit(IGrainFactory grains, TimeProvider timeProvider)
{
    private static readonly object StateKey = new();

    /// <summary>Publishes an event for the authenticated caller (actor = its API key id); returns the event id.</summary>
    public Task<string> PublishAsync(HttpContext http, string action, string outcome, string? objectId = null, string? integrationId = null, string? operation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = CallerContext.From(http.User);
        var target = State(http);
        return PublishCoreAsync(
            http,
            caller.TenantId,
            caller.ApiKeyId,
            isOperator: false,
            action,
            outcome,
            objectId ?? target.ObjectId,
            integrationId ?? target.IntegrationId,
            operation ?? target.Operation,
            target.RequestSha256,
            cancellationToken);
    }

    /// <summary>
    /// Publishes <see cref="AuditActions.TenantCreate"/> as the first event of the new tenant's chain, with the
    /// operator as actor (the ingress grain lets an operator call publish exactly this event and nothing else).
    /// </summary>
    public Task<string> PublishTenantCreatedAsync(HttpContext http, string tenantId, CancellationToken cancellationToken = default) =>
        PublishCoreAsync(http, tenantId, AuditIngressGrain.OperatorActor, isOperator: true, AuditActions.TenantCreate, AuditOutcomes.Success, tenantId, null, null, null, cancellationToken);

    /// <summary>
    /// Publishes the <c>denied</c> event of a refused request: the action named by the endpoint's
    /// <see cref="AuditActionMetadata"/>, the target described by the handler or the route. Does nothing when the
    /// request already has its event, when the endpoint is not audited, or when no tenant is known (401, operator).
    /// Returns the id of the event published, or <see langword="null"/> when none was.
    /// </summary>
    public async Task<string?> PublishDeniedAsync(HttpContext http, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var state = State(http);
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<AuditActionMetadata>();
        var tenantId = http.User.FindFirstValue(ApiKeyAuthenticationHandler.TenantClaim);
        if (state.EventId is not null || metadata is null || tenantId is null)
        {
            return null;
        }

        var (routeObjectId, routeIntegrationId) = metadata.TargetFrom(http);
        return await PublishCoreAsync(
            http,
            tenantId,
            http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? string.Empty,
            isOperator: false,
            metadata.Action,
            AuditOutcomes.Denied,
            state.ObjectId ?? routeObjectId,
            state.IntegrationId ?? routeIntegrationId,
            state.Operation,
            state.RequestSha256,
            cancellationToken);
    }

    /// <summary>
    /// Records what the request acts on (ids already checked by the handler), so a later refusal's event names it.
    /// Values left null keep what was described before.
    /// </summary>
    public static void Describe(HttpContext http, string? objectId = null, string? integrationId = null, string? operation = null, string? requestSha256 = null)
    {
        var state = State(http);
        state.ObjectId = objectId ?? state.ObjectId;
        state.IntegrationId = integrationId ?? state.IntegrationId;
        state.Operation = operation ?? state.Operation;
        state.RequestSha256 = requestSha256 ?? state.RequestSha256;
    }

    /// <summary>Marks the request as audited by an event published below the front door (the proxy's grain).</summary>
    public static void MarkAudited(HttpContext http, string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var state = State(http);
        if (state.EventId is not null && !string.Equals(state.EventId, eventId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The request already has an audit event.");
        }

        state.EventId = eventId;
    }

    /// <summary>The id of the request's audit event, or <see langword="null"/> when none was published yet.</summary>
    public static string? AuditedEventId(HttpContext http) => State(http).EventId;

    private async Task<string> PublishCoreAsync(
        HttpContext http,
        string tenantId,
        string actor,
        bool isOperator,
        string action,
        string outcome,
        string? objectId,
        string? integrationId,
        string? operation,
        string? requestSha256,
        CancellationToken cancellationToken)
    {
        var state = State(http);
        if (state.EventId is not null)
        {
            throw new InvalidOperationException("The request already has an audit event; an action is audited exactly once.");
        }

        // The 403 of a scope check is published before any endpoint filter stamped the caller, so stamp it here:
        // the ingress grain is tenant-owned and checks the caller against its key.
        if (isOperator)
        {
            TenantCallContext.SetOperator();
        }
        else
        {
            TenantCallContext.SetTenant(tenantId);
        }

        var eventId = AuditIds.New();
        await grains.GetGrain<IAuditIngressGrain>(tenantId).PublishAsync(
            new AuditEvent(eventId, tenantId, null, timeProvider.GetUtcNow(), actor, action, integrationId, operation, outcome, null, requestSha256, null, objectId),
            cancellationToken);
        state.EventId = eventId;
        return eventId;
    }

    private static RequestAuditState State(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(StateKey, out var value) && value is RequestAuditState state)
        {
            return state;
        }

        state = new RequestAuditState();
        http.Items[StateKey] = state;
        return state;
    }

    private sealed class RequestAuditState
    {
        public string? EventId { get; set; }

        public string? ObjectId { get; set; }

        public string? IntegrationId { get; set; }

        public string? Operation { get; set; }

        public string? RequestSha256 { get; set; }
    }
}
