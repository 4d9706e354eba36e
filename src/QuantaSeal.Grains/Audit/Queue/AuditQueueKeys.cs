using System.Globalization;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// How a queue is named in the audit queue tables (deploy/sql/0009): by its index alone. Orleans' queue id also
/// carries the provider name (and, in some forms, a hash that depends on the queue count), neither of which may decide
/// whether a queued row is ever read again.
/// </summary>
internal static class AuditQueueKeys
{
    /// <summary>The row key of <paramref name="queueId"/>: its index, "0" .. queue count - 1.</summary>
    public static string For(QueueId queueId) => queueId.GetNumericId().ToString(CultureInfo.InvariantCulture);

    /// <summary>The row keys a silo with <paramref name="queueCount"/> queues reads.</summary>
    public static IReadOnlySet<string> Known(int queueCount) =>
        Enumerable.Range(0, queueCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
}
