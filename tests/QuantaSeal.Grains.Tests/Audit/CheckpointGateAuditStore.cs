using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>A chain store that can refuse checkpoint writes (as an unreachable database would), and counts refusals.</summary>
public sealed class CheckpointGateAuditStore(PostgresAuditStore inner) : IAuditStore, IAsyncDisposable
{
    private volatile bool _refuse;
    private int _refused;

    public bool RefuseCheckpoints
    {
        get => _refuse;
        set => _refuse = value;
    }

    public int RefusedCheckpoints => Volatile.Read(ref _refused);

    public Task<AuditChainHead> GetHeadAsync(string tenantId, CancellationToken cancellationToken = default) => inner.GetHeadAsync(tenantId, cancellationToken);

    public Task AppendAsync(string tenantId, IReadOnlyList<ChainedAuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default) =>
        checkpoint is not null && _refuse ? Refuse() : inner.AppendAsync(tenantId, records, checkpoint, cancellationToken);

    public Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default) =>
        inner.FindExistingAsync(eventIds, cancellationToken);

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        _refuse ? Refuse() : inner.AddCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<ChainedAuditRecord>> ReadRangeAsync(string tenantId, long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadRangeAsync(tenantId, fromSeq, toSeq, limit, cancellationToken);

    public Task<IReadOnlyList<ChainedAuditRecord>> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(tenantId, query, cancellationToken);

    public Task<ChainedAuditRecord?> FindAsync(string tenantId, string eventId, CancellationToken cancellationToken = default) =>
        inner.FindAsync(tenantId, eventId, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        inner.ListCheckpointsAsync(tenantId, afterSeq, limit, cancellationToken);

    public Task<AuditCheckpoint?> FindCheckpointAsync(string tenantId, long? seq, CancellationToken cancellationToken = default) =>
        inner.FindCheckpointAsync(tenantId, seq, cancellationToken);

    public Task<AuditDeadLetterCount> CountDeadLetteredAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.CountDeadLetteredAsync(tenantId, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private Task Refuse()
    {
        Interlocked.Increment(ref _refused);
        return Task.FromException(new AuditStoreUnavailableException("test: checkpoint writes are refused"));
    }
}
