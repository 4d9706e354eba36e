using Orleans.Streams;
using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Names of the audit transport: one Orleans stream per tenant, namespace <see cref="Namespace"/>, key = tenant id,
/// on the stream provider <see cref="ProviderName"/>. Consumers subscribe implicitly
/// (<c>[ImplicitStreamSubscription(AuditStreams.Namespace)]</c> on a string-keyed grain, whose key is then the tenant id).
/// </summary>
/// <remarks>
/// Both names carry QuantaSeal's prefix because a silo may host other grains: Orleans binds implicit subscriptions to a
/// namespace on every stream provider of the silo, so under a plain <c>audit</c> namespace a host's own audit streams
/// would have activated QuantaSeal's chain grains (and a host's subscribers would have received QuantaSeal's events).
/// </remarks>
public static class AuditStreams
{
    /// <summary>
    /// Name of the stream provider. The audit queue tables key their rows by queue index only (deploy/sql/0009), so
    /// the rename from <c>audit</c> stranded nothing.
    /// </summary>
    public const string ProviderName = "qs-audit";

    /// <summary>Stream namespace of audit events; the implicit subscription of the chain grain is bound to it.</summary>
    public const string Namespace = "qs-audit";

    /// <summary>
    /// The namespace messages were written under before the rename. Messages still queued (or dead-lettered and
    /// re-driven) from that time are read as <see cref="Namespace"/> (<see cref="Current"/>), so an upgrade keeps
    /// every undelivered event.
    /// </summary>
    internal const string LegacyNamespace = "audit";

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

    /// <summary>
    /// The stream a queued message belongs to today: a message written under <see cref="LegacyNamespace"/> by a silo of
    /// an earlier version is the same tenant's audit stream. Only the audit queue's own messages pass through here, so
    /// no other provider's <c>audit</c> streams are affected.
    /// </summary>
    internal static StreamId Current(StreamId written) =>
        written.GetNamespace() is LegacyNamespace ? StreamId.Create(Namespace, written.GetKeyAsString()) : written;
}
