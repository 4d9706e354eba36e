namespace QuantaSeal.Grains.Hosting.Streaming;

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
    /// period. At 25 ms (4 queues, 160 polls/s) an idle server used about a tenth of a core on 2 cores, taken from
    /// whatever else ran on the machine; at 100 ms, a quarter of that (loadtests/README.md).
    /// </summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Stream messages handed to a consumer in one delivery (Orleans default 1). The chain grain writes a whole delivery
    /// in one write, so under load 16 messages (up to 16 × 64 events) share one commit instead of each paying for its
    /// own: measured on 2 cores, the chain's sustained rate went from about 2,150 to 8,900 events/s and the backlog
    /// after a burst drained in 0.7 s instead of 18.6 s (loadtests/README.md). At low load a delivery still carries
    /// whatever is there, one message. A failed delivery is retried whole; the chain drops what it already has.
    /// </summary>
    public int DeliveryBatch { get; init; } = 16;

    /// <summary>
    /// Messages a pulling agent holds between reading and confirming them (<c>SimpleQueueCacheOptions.CacheSize</c>,
    /// default 4,096). The cache reads at most a tenth of this per poll and confirms (deletes) messages a tenth at a
    /// time once every consumer has moved past them, so up to this many rows of a queue sit in the table already
    /// dequeued, and every poll of that queue walks past them to find new ones. With the default the busy queue's poll
    /// took about 8 ms on 2 cores (a third of a core for polling alone) and messages could wait long enough in the
    /// cache to come close to <see cref="VisibilityTimeout"/>. 512 messages (up to 32,768 events) still lets a poll read
    /// 51 messages, more than three deliveries, and measured: poll time 9.2 s → 1.4 s per 30 s run, chain +10-20 %
    /// (loadtests/README.md).
    /// </summary>
    public int CacheSize { get; init; } = 512;

    /// <summary>
    /// Number of queues the tenants' streams are hashed over (the ADO.NET provider defaults to 1). Each queue has one
    /// pulling agent in the cluster, so this is how many silos can share the reading and delivering; a tenant's stream
    /// always lives in one queue, which keeps its events in order. Change it only with the stream tables drained: streams
    /// move to other queues (losing order across the switch), and messages left under a queue that no longer exists
    /// ("audit-3" after going down to 2) are never read.
    /// </summary>
    public int QueueCount { get; init; } = 4;

    /// <summary>
    /// How long a dequeued message stays hidden before it is handed out again if it was not confirmed (default 1 min).
    /// It bounds how late the events held by a crashed silo come back, so it should be short, but it must stay above
    /// the longest time from dequeue to confirmation of a healthy message. The cache confirms a queue's messages only
    /// once every consumer cursor has moved past them, so one stream whose delivery is being retried (up to
    /// <see cref="MaxEventDeliveryTime"/>) holds back the confirmations of its whole queue; were they to reappear
    /// meanwhile, they would be delivered twice and burn attempts. Hence delivery time plus a margin. A graceful
    /// shutdown or queue handoff releases held messages at once and does not wait for it.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long the pulling agent keeps retrying one event whose consumer throws or cannot be reached before it gives
    /// up on that delivery, calls the failure handler and moves on to the stream's next event (Orleans default 1 min).
    /// The stream waits meanwhile. It is set above the time Orleans needs to declare a killed silo dead with default
    /// membership settings (about 10-15 s): deliveries to a chain grain that lived on a crashed silo then wait for its
    /// new activation instead of skipping the event (which would redeliver it later, out of order, and burn an
    /// attempt). The chain grain must not throw on a bad event (DESIGN §7), so this only ever waits out outages.
    /// </summary>
    public TimeSpan MaxEventDeliveryTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Times a message may be dequeued before it is dead-lettered (default 5). Every dequeue counts: a delivery given
    /// up on after <see cref="MaxEventDeliveryTime"/>, a crash and a graceful handoff each use one. Ten lets a consumer be
    /// unreachable for about three minutes, or survive a run of crashes, before an audit event leaves the chain's path;
    /// a poison event (a consumer bug) still stops coming back after ten delivery timeouts.
    /// </summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>
    /// Age after which an undelivered message is dead-lettered regardless of attempts (default 10 min). An audit event
    /// must never be dropped for being old (a long consumer outage is not a reason to lose it), so this is a year.
    /// </summary>
    public TimeSpan ExpiryTimeout { get; init; } = TimeSpan.FromDays(365);

    /// <summary>
    /// How long dead letters are kept before they are deleted (default 7 days). A dead-lettered audit event is missing
    /// from its chain until an operator replays it, so it is kept for a year and counted by
    /// <see cref="AuditStreamDiagnostics"/> (health check, metric), never silently aged out within a week.
    /// </summary>
    public TimeSpan DeadLetterRetention { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How often, per queue and cluster-wide, exhausted messages are moved to dead letters (default 10 s).</summary>
    public TimeSpan EvictionInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the provider may take to load its queries from <c>orleansquery</c> at start (default 30 s). The
    /// schema migrator has just connected when this runs, so a slow answer means a sick database: fail the start
    /// early rather than hold it for half a minute.
    /// </summary>
    public TimeSpan InitializationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Upper bound of the Npgsql connect timeout (also the wait for a pooled connection) of the stream provider. A
    /// publish waits at most this long on an unreachable or saturated database before the caller is refused (fail
    /// closed); a refused connection fails in milliseconds anyway.
    /// </summary>
    public int ConnectTimeoutSeconds { get; init; } = 3;

    /// <summary>
    /// Upper bound of the Npgsql command timeout of the stream provider. Every stream query touches a bounded number of
    /// rows and takes milliseconds (an eviction over a 50,000-message backlog took about 150 ms); a database that
    /// accepted the connection and then went silent must not hold a publish (or a pulling agent) for the 15 s the rest
    /// of the silo tolerates.
    /// </summary>
    public int CommandTimeoutSeconds { get; init; } = 3;
}
