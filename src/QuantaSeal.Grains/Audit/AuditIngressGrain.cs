using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Audit;

/// <inheritdoc cref="IAuditIngressGrain"/>
[GrainType("qs.audit-ingress")]
[StatelessWorker]
[Reentrant]
internal sealed class AuditIngressGrain(IAuditPublisher publisher) : Grain, IAuditIngressGrain, ITenantOwned
{
    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (!string.Equals(auditEvent.TenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            throw new TenantAccessDeniedException();
        }

        return publisher.PublishAsync(auditEvent, cancellationToken);
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal);
}
