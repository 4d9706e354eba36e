using Orleans.Streams;
using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Names of the audit transport: one Orleans stream per tenant, namespace <see cref="Namespace"/>, key = tenant id,
/// on the stream provider <see cref="ProviderName"/>. Consumers subscribe implicitly
/// (<c>[ImplicitStreamSubscription(AuditStreams.Namespace)]</c> on a string-keyed grain, whose key is then the tenant id).
/// </summary>
public static class AuditStreams
{
    /// <summary>
    /// Name of the stream provider. The audit queue tables key their rows by queue index only (deploy/sql/0009), so
    /// renaming it strands nothing.
    /// </summary>
    public const string ProviderName = "audit";

    /// <summary>Stream namespace of audit events; the implicit subscription of the chain grain is bound to it.</summary>
    public const string Namespace = "audit";

    /// <summary>The stream of one tenant's audit events.</summary>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is empty.</exception>
    public static StreamId StreamIdFor(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return StreamId.Create(Namespace, tenantId);
    }

    /// <summary>The audit stream of <paramref name="tenantId"/> on a provider obtained with <see cref="ProviderName"/>.</summary>
    public static IAsyncStream<AuditEvent> GetAuditStream(this IStreamProvider provider, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.GetStream<AuditEvent>(StreamIdFor(tenantId));
    }
}
