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

    /// <summary>Walks the whole chain from seq 1 and checks every hash and checkpoint signature.</summary>
    [Alias("Verify")]
    Task<AuditVerifyReport> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>Events with <c>seq</c> in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>], at most <paramref name="limit"/>, in seq order.</summary>
    [Alias("ReadRange")]
    Task<IReadOnlyList<AuditEventRecord>> ReadRangeAsync(long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Checkpoints with seq after <paramref name="afterSeq"/>, oldest first.</summary>
    [Alias("ListCheckpoints")]
    Task<IReadOnlyList<AuditCheckpointInfo>> ListCheckpointsAsync(long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The newest checkpoint, or null.</summary>
    [Alias("GetLatestCheckpoint")]
    Task<AuditCheckpointInfo?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>The last stored seq (0 when the chain is empty).</summary>
    [Alias("GetLastSeq")]
    Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default);
}
