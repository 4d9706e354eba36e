using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>A chain store that passes every call to <paramref name="inner"/>; a test store overrides the calls it changes.</summary>
public abstract class DelegatingAuditStore(IAuditStore inner) : IAuditStore
{
    public virtual Task<AuditChainHead> GetHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetHeadAsync(tenantId, cancellationToken);

    public virtual Task AppendAsync(string tenantId, IReadOnlyList<AuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(tenantId, records, checkpoint, cancellationToken);

    public Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default) =>
        inner.FindExistingAsync(eventIds, cancellationToken);

    public virtual Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        inner.AddCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(string tenantId, long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadRangeAsync(tenantId, fromSeq, toSeq, limit, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(tenantId, query, cancellationToken);

    public Task<AuditRecord?> FindAsync(string tenantId, string eventId, CancellationToken cancellationToken = default) =>
        inner.FindAsync(tenantId, eventId, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        inner.ListCheckpointsAsync(tenantId, afterSeq, limit, cancellationToken);

    public Task<AuditCheckpoint?> FindCheckpointAsync(string tenantId, long? seq, CancellationToken cancellationToken = default) =>
        inner.FindCheckpointAsync(tenantId, seq, cancellationToken);

    public Task<AuditDeadLetterCount> CountDeadLetteredAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.CountDeadLetteredAsync(tenantId, cancellationToken);
}
