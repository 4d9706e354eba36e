using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// Where the tenants' chains live: PostgreSQL (<see cref="PostgresAuditStore"/>, deploy/sql/0006) or memory for the
/// in-memory dev mode. Only <c>AuditChainGrain</c> writes; appends are whole batches, atomically.
/// </summary>
/// <remarks>Every failure to reach the store surfaces as <see cref="AuditStoreUnavailableException"/>.</remarks>
public interface IAuditStore
{
    /// <summary>The last chained seq and hash of a tenant, and the seq of its newest checkpoint.</summary>
    Task<AuditChainHead> GetHeadAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="records"/> (consecutive seqs after the head) and, when given, a checkpoint, all or
    /// nothing.
    /// </summary>
    /// <exception cref="AuditAppendConflictException">An event id is already chained, or a seq is taken.</exception>
    Task AppendAsync(string tenantId, IReadOnlyList<AuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="eventIds"/> are already chained (in any tenant).</summary>
    Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default);

    /// <summary>Stores a checkpoint; a second one at the same seq is ignored.</summary>
    Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Events with seq in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>] in seq order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(string tenantId, long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Events matching <paramref name="query"/>, at most <c>query.Limit</c>.</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken = default);

    /// <summary>One event of the tenant by id, or null.</summary>
    Task<AuditRecord?> FindAsync(string tenantId, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Checkpoints after <paramref name="afterSeq"/>, oldest first.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The first checkpoint whose seq is at least <paramref name="seq"/>, or the newest when <paramref name="seq"/> is null.</summary>
    Task<AuditCheckpoint?> FindCheckpointAsync(string tenantId, long? seq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Acknowledged events of the tenant that are outside its chain: those in the audit queue's dead letters
    /// (deploy/sql/0009), plus how many dead letters belong to a tenant not yet known. None in memory (no dead letters).
    /// </summary>
    Task<AuditDeadLetterCount> CountDeadLetteredAsync(string tenantId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new AuditDeadLetterCount(0, 0));
}

/// <summary>What of a tenant's acknowledged events is outside its chain.</summary>
/// <param name="Events">Events of the tenant in dead letters.</param>
/// <param name="UnattributedMessages">Dead letters whose tenant is unknown (they may hold this tenant's events).</param>
public sealed record AuditDeadLetterCount(long Events, long UnattributedMessages);

/// <summary>The head of a stored chain.</summary>
/// <param name="Seq">Last seq (0 when empty).</param>
/// <param name="Hash">Hash at <paramref name="Seq"/> (32 zero bytes when empty).</param>
/// <param name="CheckpointSeq">Seq of the newest checkpoint (0 when none).</param>
public sealed record AuditChainHead(long Seq, byte[] Hash, long CheckpointSeq);
