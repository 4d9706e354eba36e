using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// Read side of a tenant's audit chain (key = tenant id): queries, inclusion proofs, verification and export pages.
/// Reads go straight to the audit store, never through the chain grain, so readers cannot slow down appends.
/// </summary>
[Alias("qs.IAuditReaderGrain")]
public interface IAuditReaderGrain : IGrainWithStringKey
{
    /// <summary>One page of events matching <paramref name="query"/>.</summary>
    [Alias("Query")]
    Task<AuditEventPage> QueryAsync(AuditEventQuery query, CancellationToken cancellationToken = default);

    /// <summary>The event with its inclusion proof to the first signed checkpoint that covers it; null when unknown.</summary>
    [Alias("GetWithProof")]
    Task<AuditEventProof?> GetWithProofAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// One bounded step of walking the chain from seq 1 and checking every hash and checkpoint signature: start with a
    /// null cursor, then pass each returned <see cref="AuditVerifyStep.Next"/> until a step carries the
    /// <see cref="AuditVerifyStep.Report"/>. The walk covers the chain as it stood at the first step. Each call reads at
    /// most one page of events, so a chain of any length never holds one call past the Orleans response timeout.
    /// <see cref="AuditReaderGrainExtensions.VerifyAsync"/> runs the whole walk.
    /// </summary>
    [Alias("VerifyPage")]
    Task<AuditVerifyStep> VerifyPageAsync(AuditVerifyCursor? cursor, CancellationToken cancellationToken = default);

    /// <summary>How many acknowledged events of the tenant are outside its chain (dead letters of the audit queue).</summary>
    [Alias("GetCompleteness")]
    Task<AuditCompleteness> GetCompletenessAsync(CancellationToken cancellationToken = default);

    /// <summary>Events with <c>seq</c> in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>], at most <paramref name="limit"/>, in seq order.</summary>
    [Alias("ReadRange")]
    Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Checkpoints with seq after <paramref name="afterSeq"/>, oldest first.</summary>
    [Alias("ListCheckpoints")]
    Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The newest checkpoint, or null.</summary>
    [Alias("GetLatestCheckpoint")]
    Task<AuditCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>The last stored seq (0 when the chain is empty).</summary>
    [Alias("GetLastSeq")]
    Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default);
}
