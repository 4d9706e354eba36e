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

    /// <summary>
    /// A checkpoint asked for by a reader (an inclusion proof of an event no checkpoint covers yet, an export) is signed
    /// at most once per this interval per tenant (default 1 s); readers within it get the newest stored checkpoint, and
    /// the events after it are certified by the next one. Bounds the signing work readers can cause.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan OnDemandCheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Period of the reminder that signs a chain's unsigned tail when its activation ended without doing so (a crashed
    /// silo) and no new event arrives (default 1 min, the Orleans minimum reminder period unless
    /// <c>ReminderOptions.MinimumReminderPeriod</c> is lowered). The reminder exists only while a tail is unsigned.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TailCheckpointReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Events read per call when verifying a chain (default 2,000): each <c>VerifyPage</c> grain call reads and hashes at
    /// most this many, so verification of any chain length stays far inside the Orleans call timeout.
    /// </summary>
    [Range(1, 100_000)]
    public int VerifyPageEvents { get; set; } = 2_000;
}
