using System.ComponentModel.DataAnnotations;

namespace QuantaSeal.Grains.Audit;

/// <summary>How often a tenant's chain is checkpointed (configuration section <c>QuantaSeal:Audit</c>).</summary>
public sealed class AuditChainOptions
{
    /// <summary>
    /// A checkpoint is signed once at least this many events were chained since the last one (default 256). It is also
    /// the longest inclusion proof: an event's proof carries the events after it up to the next checkpoint.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CheckpointEveryEvents { get; set; } = 256;

    /// <summary>
    /// A checkpoint is signed this long after the last one when events were chained since (default 10 s), so an idle
    /// tenant's newest events are certified soon and a truncated tail is detectable.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);
}
