using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Server.Audit;

/// <summary>
/// Endpoint metadata naming the audit action of an endpoint, and where its target id is in the route, so a
/// refusal (from the scope check, validation, a 404 or a 409) is audited under the endpoint's own action even when
/// it happens before the handler runs.
/// </summary>
/// <param name="Action">The <see cref="QuantaSeal.Abstractions.Audit.AuditActions"/> constant.</param>
/// <param name="RouteParameter">The route value holding the target id, if any.</param>
/// <param name="IdPrefix">The id prefix the route value must have to be recorded (anything else is not an id and is left out of the chain).</param>
/// <param name="TargetIsIntegration">Whether the target is an integration (recorded as object id and integration id).</param>
/// <param name="ReturnsEventId">Whether a refusal's problem carries <c>audit_event_id</c> (the proxy's documented contract).</param>
internal sealed record AuditActionMetadata(string Action, string? RouteParameter = null, string? IdPrefix = null, bool TargetIsIntegration = false, bool ReturnsEventId = false)
{
    /// <summary>The (object id, integration id) named by the route, when the route value is a well-formed id.</summary>
    public (string? ObjectId, string? IntegrationId) TargetFrom(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (RouteParameter is null || IdPrefix is null || http.GetRouteValue(RouteParameter) is not string value || !Ids.IsValid(value, IdPrefix))
        {
            return (null, null);
        }

        return (value, TargetIsIntegration ? value : null);
    }
}
