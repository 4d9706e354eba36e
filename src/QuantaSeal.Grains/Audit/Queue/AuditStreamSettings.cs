namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// The tuning of the audit stream provider. <see cref="Default"/> is what the server runs; tests shorten the
/// failure timings with <c>with { ... }</c>. Each value says why it differs from the Orleans default (DESIGN §7 has the
/// measurements behind them).
/// </summary>
internal sealed record AuditStreamSettings
{
    /// <summary>The production tuning.</summary>
    public static AuditStreamSettings Default { get; } = new();

    /// <summary>
    /// How often each pulling agent asks its queue for messages when the last read came back empty (the Orleans
    /// default, 100 ms). Under load the agent reads again at once without waiting, so this only sets how soon an event
    /// of a quiet tenant reaches its chain (about half of it on average) — not when its caller gets an answer, which
    /// happens once the event is durably enqueued. It is also the price of an idle cluster: a query per queue per
    /// period; a shorter period costs an idle server a measurable share of a core (figures in loadtests/README.md).
    /// </summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The shortest time between two reads of a busy queue on PostgreSQL (<see cref="PacedQueueAdapterReceiver"/>):
    /// after a read that returned messages but not a full batch, the next one waits until this much time has passed
    /// since it began. Without it the pulling agent re-polls at once after every non-empty read, so under proxy load
    /// the polls dominate PostgreSQL's statement time (figures in loadtests/README.md). A full read
    /// is followed at once, so a backlog drains at full speed; an idle queue still follows <see cref="PollingInterval"/>.
    /// It delays when an event reaches its chain (callers are answered once it is enqueued), by at most this much.
    /// Zero turns pacing off.
    /// </summary>
    public TimeSpan BusyReadSpacing { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Stream messages handed to a consumer in one delivery (Orleans default 1). The chain grain writes a whole delivery
    /// in one write, so under load 16 messages (up to 16 × 64 events) share one commit instead of each paying for its
    /// own, which multiplies the chain's sustained rate and how fast a backlog drains (figures in loadtests/README.md).
    /// At low load a delivery still carries whatever is there, one message. A failed delivery is retried whole; the chain drops what it already has.
    /// </summary>
    public int DeliveryBatch { get; init; } = 16;

    /// <summary>
    /// Messages a pulling agent holds between reading and confirming them (<c>SimpleQueueCacheOptions.CacheSize</c>,
    /// default 4,096). The cache reads at most a tenth of this per poll and confirms (deletes) messages a tenth at a
    /// time once every consumer has moved past them. 512 messages (up to 32,768 events) still lets a poll read 51
    /// messages, more than three deliveries, while what a crash makes the next reader deliver again stays small
    /// (loadtests/README.md has the measurements).
    /// </summary>
    public int CacheSize { get; init; } = 512;

    /// <summary>
    /// Number of queues the tenants' streams are hashed over. Each queue has one
    /// pulling agent in the cluster, so this is how many silos can share the reading and delivering; a tenant's stream
    /// always lives in one queue, which keeps its events in order. A queue delivers one message at a time per stream but
    /// its streams wait for each other's deliveries, so a tenant whose chain keeps failing slows the others of its queue:
    /// more queues, fewer neighbours (8: one idle poll per queue per <see cref="PollingInterval"/>). Rows are keyed by
    /// queue index (deploy/sql/0009): raising the count is safe (every old index is still read; a message goes to its
    /// stream's consumer whichever queue holds it, though order across the switch is lost), and a silo refuses to start
    /// while messages wait under an index its count does not have ("3" after going down to 2).
    /// </summary>
    public int QueueCount { get; init; } = 8;

    /// <summary>
    /// How long the pulling agent keeps retrying one message whose consumer throws or cannot be reached before it gives
    /// up: the message then goes to the dead letters (<see cref="AuditQueueFailureHandler"/>), operators are alerted,
    /// and the stream moves on. The stream waits meanwhile, which keeps the chain in order. Deliveries to a chain grain
    /// that lived on a crashed silo wait for its new activation (Orleans declares a killed silo dead in about 10-15 s
    /// with default membership settings), and a database outage stops the chain's writes and the publishes alike, so
    /// this is long (Orleans default 1 min): a dead letter is an acknowledged event outside its chain, so it is kept for
    /// what no maintenance window lasts (issue 12, hole 3). Operators are alerted long before by the age of the oldest
    /// queued message (<c>quantaseal.audit.oldest_pending_seconds</c>, <c>/healthz/audit</c>), not by dead letters. The
    /// chain grain must not throw on a bad event (DESIGN §7), so this only ever waits out outages.
    /// </summary>
    public TimeSpan MaxEventDeliveryTime { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Upper bound of the Npgsql connect timeout (also the wait for a pooled connection) of the stream provider. A
    /// publish waits at most this long on an unreachable or saturated database before the caller is refused (fail
    /// closed); a refused connection fails in milliseconds anyway.
    /// </summary>
    public int ConnectTimeoutSeconds { get; init; } = 3;

    /// <summary>
    /// Upper bound of the Npgsql command timeout of the stream provider. Every queue statement touches a bounded number of
    /// rows and takes milliseconds; a database that
    /// accepted the connection and then went silent must not hold a publish (or a pulling agent) for the 15 s the rest
    /// of the silo tolerates.
    /// </summary>
    public int CommandTimeoutSeconds { get; init; } = 3;
}
