using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Audit;

/// <inheritdoc cref="IAuditIngressGrain"/>
/// <remarks>
/// A tenant caller may publish into its own chain only. The operator has no tenant, and its one audited action is
/// creating a tenant: it may publish exactly that event (<see cref="AuditActions.TenantCreate"/>, actor
/// <see cref="OperatorActor"/>) into the chain of the tenant it names, and nothing else, so an operator-context call
/// can never forge a tenant's own actions.
/// </remarks>
[GrainType("qs.audit-ingress")]
[StatelessWorker]
[Reentrant]
internal sealed class AuditIngressGrain(IAuditPublisher publisher) : Grain, IAuditIngressGrain, ITenantOwned
{
    /// <summary>The actor recorded for operator actions (the operator key has no API key id).</summary>
    public const string OperatorActor = "operator";

    public Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var tenantId = this.GetPrimaryKeyString();
        if (!string.Equals(auditEvent.TenantId, tenantId, StringComparison.Ordinal))
        {
            throw new TenantAccessDeniedException();
        }

        var callerIsTenant = string.Equals(TenantCallContext.CurrentTenant, tenantId, StringComparison.Ordinal);
        if (!callerIsTenant && !IsOperatorTenantCreation(auditEvent))
        {
            throw new TenantAccessDeniedException();
        }

        return publisher.PublishAsync(auditEvent, cancellationToken);
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        (callerTenantId is not null && string.Equals(callerTenantId, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        || (isOperator && methodName == nameof(PublishAsync));

    private static bool IsOperatorTenantCreation(AuditEvent auditEvent) =>
        TenantCallContext.IsOperator
        && string.Equals(auditEvent.Action, AuditActions.TenantCreate, StringComparison.Ordinal)
        && string.Equals(auditEvent.Actor, OperatorActor, StringComparison.Ordinal);
}
