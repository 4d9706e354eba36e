using System.Security.Claims;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Audit;

/// <summary>
/// The front door's one audit duty (DESIGN §7, "audited where it happens"): the <c>denied</c> event of a request
/// refused before any grain decided about it (wrong scope, malformed body, an id that is malformed or not found, a
/// validation rule checked at the edge). Everything else, successes and the refusals grains decide, is recorded by the
/// grains themselves. Called from two places only: <see cref="DeniedAuditFilter"/> (refusals of a handler) and
/// <see cref="ApiKeyAuthenticationHandler"/> (the 403 of a scope check, which no endpoint filter sees).
/// </summary>
/// <remarks>
/// No per-request state: what the event names comes from the endpoint's <see cref="AuditActionMetadata"/>, the route,
/// and the <see cref="Refusal"/> a handler returns. When the publish throws (<c>AuditStreamUnavailableException</c>)
/// the exception handler answers 503: a refusal is not exempt from failing closed.
/// </remarks>
internal sealed class EdgeAudit(IGrainFactory grains, TimeProvider timeProvider)
{
    /// <summary>
    /// Publishes the <c>denied</c> event of a refused request under the endpoint's action, naming
    /// <paramref name="target"/> (or, when null, the object the route names). Does nothing when the endpoint is not
    /// audited or no tenant is known (401, operator endpoints). Returns the event id, or <see langword="null"/>.
    /// </summary>
    public async Task<string?> PublishDeniedAsync(HttpContext http, RefusalTarget? target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<AuditActionMetadata>();
        var tenantId = http.User.FindFirstValue(ApiKeyAuthenticationHandler.TenantClaim);
        if (metadata is null || tenantId is null)
        {
            return null;
        }

        var (objectId, integrationId) = target is null ? metadata.TargetFrom(http) : (target.ObjectId, target.IntegrationId);

        // The 403 of a scope check is published before any endpoint filter stamped the caller, so stamp it here: the
        // ingress grain is tenant-owned and checks the caller against its key.
        TenantCallContext.SetTenant(tenantId);
        var eventId = AuditIds.New();
        await grains.GetGrain<IAuditIngressGrain>(tenantId).PublishAsync(
            new AuditEvent(
                eventId, tenantId, null, timeProvider.GetUtcNow(), http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? string.Empty,
                metadata.Action, integrationId, target?.Operation, AuditOutcomes.Denied, null, target?.RequestSha256, null, objectId),
            cancellationToken);
        return eventId;
    }
}
