using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// The in-memory chain store with a switch: while <see cref="Failing"/> is set every write (and head read) throws
/// <see cref="AuditStoreUnavailableException"/>, as the PostgreSQL store does while its database is unreachable.
/// </summary>
public sealed class FailingAuditStore : IAuditStore
{
    private readonly InMemoryAuditStore _inner = new();
    private volatile bool _failing;

    /// <summary>Whether the store refuses writes now.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>The chained event ids of a tenant.</summary>
    public async Task<IReadOnlySet<string>> ChainedIdsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var records = await _inner.ReadRangeAsync(tenantId, 1, long.MaxValue, int.MaxValue, cancellationToken);
        return records.Select(r => r.Record.EventId).ToHashSet(StringComparer.Ordinal);
    }

    public Task<AuditChainHead> GetHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _failing ? Task.FromException<AuditChainHead>(Down()) : _inner.GetHeadAsync(tenantId, cancellationToken);

    public Task AppendAsync(string tenantId, IReadOnlyList<ChainedAuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default) =>
        _failing ? Task.FromException(Down()) : _inner.AppendAsync(tenantId, records, checkpoint, cancellationToken);

    public Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default) =>
        _inner.FindExistingAsync(eventIds, cancellationToken);

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        _failing ? Task.FromException(Down()) : _inner.AddCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<ChainedAuditRecord>> ReadRangeAsync(string tenantId, long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default) =>
        _inner.ReadRangeAsync(tenantId, fromSeq, toSeq, limit, cancellationToken);

    public Task<IReadOnlyList<ChainedAuditRecord>> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken = default) =>
        _inner.QueryAsync(tenantId, query, cancellationToken);

    public Task<ChainedAuditRecord?> FindAsync(string tenantId, string eventId, CancellationToken cancellationToken = default) =>
        _inner.FindAsync(tenantId, eventId, cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListCheckpointsAsync(tenantId, afterSeq, limit, cancellationToken);

    public Task<AuditCheckpoint?> FindCheckpointAsync(string tenantId, long? seq, CancellationToken cancellationToken = default) =>
        _inner.FindCheckpointAsync(tenantId, seq, cancellationToken);

    private static AuditStoreUnavailableException Down() => new("test: the chain store is down");
}
