using Orleans.Concurrency;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// Where callers outside the grains (the front door) hand in audit events for a tenant (key = tenant id), e.g. for
/// requests refused at the edge. Local, stateless and reentrant.
/// </summary>
[Alias("qs.IAuditIngressGrain")]
public interface IAuditIngressGrain : IGrainWithStringKey
{
    /// <summary>Records an event; returns once it is recorded.</summary>
    [Alias("Publish")]
    Task PublishAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);
}
