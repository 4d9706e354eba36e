using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Tests.Audit;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// The in-memory chain store with a switch: while <see cref="Failing"/> is set every write (and head read) throws
/// <see cref="AuditStoreUnavailableException"/>, as the PostgreSQL store does while its database is unreachable.
/// </summary>
public sealed class FailingAuditStore() : DelegatingAuditStore(new InMemoryAuditStore())
{
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
        var records = await ReadRangeAsync(tenantId, 1, long.MaxValue, int.MaxValue, cancellationToken);
        return records.Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
    }

    public override Task<AuditChainHead> GetHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _failing ? Task.FromException<AuditChainHead>(Down()) : base.GetHeadAsync(tenantId, cancellationToken);

    public override Task AppendAsync(string tenantId, IReadOnlyList<AuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default) =>
        _failing ? Task.FromException(Down()) : base.AppendAsync(tenantId, records, checkpoint, cancellationToken);

    public override Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        _failing ? Task.FromException(Down()) : base.AddCheckpointAsync(checkpoint, cancellationToken);

    private static AuditStoreUnavailableException Down() => new("test: the chain store is down");
}
