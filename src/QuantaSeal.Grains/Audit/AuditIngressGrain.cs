using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Audit;

/// <inheritdoc cref="IAuditIngressGrain"/>
/// <remarks>
/// A tenant caller may publish into its own chain only. The operator's audited actions (tenant creation, admin-key
/// recovery) are recorded by the tenant grain itself, so an operator-context call publishes nothing here and can never
/// forge a tenant's own actions.
/// </remarks>
[GrainType("qs.audit-ingress")]
[StatelessWorker]
[Reentrant]
internal sealed class AuditIngressGrain(IAuditPublisher publisher) : Grain, IAuditIngressGrain, ITenantOwned
{
    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var tenantId = this.GetPrimaryKeyString();
        if (!string.Equals(auditEvent.TenantId, tenantId, StringComparison.Ordinal)
            || !string.Equals(TenantCallContext.CurrentTenant, tenantId, StringComparison.Ordinal))
        {
            throw new TenantAccessDeniedException();
        }

        return publisher.PublishAsync(auditEvent, cancellationToken);
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal);
}
