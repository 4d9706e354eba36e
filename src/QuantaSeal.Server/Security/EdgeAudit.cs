using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Server.Security;

/// <summary>Audit events for actions the front door completes or refuses, through the same publisher seam as the grains.</summary>
internal sealed class EdgeAudit(IGrainFactory grains, TimeProvider timeProvider)
{
    public async Task<string> PublishAsync(HttpContext http, string action, string outcome, string? objectId = null, string? integrationId = null, string? operation = null, CancellationToken cancellationToken = default)
    {
        var caller = CallerContext.From(http.User);
        var eventId = AuditIds.New();
        await grains.GetGrain<IAuditIngressGrain>(caller.TenantId).PublishAsync(
            new AuditEvent(eventId, caller.TenantId, null, timeProvider.GetUtcNow(), caller.ApiKeyId, action, integrationId, operation, outcome, null, null, null, objectId),
            cancellationToken);
        return eventId;
    }
}
