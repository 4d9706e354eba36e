using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>A chain store that can refuse checkpoint writes (as an unreachable database would), and counts refusals.</summary>
public sealed class CheckpointGateAuditStore(PostgresAuditStore inner) : DelegatingAuditStore(inner), IAsyncDisposable
{
    private readonly PostgresAuditStore _postgres = inner;
    private volatile bool _refuse;
    private int _refused;

    public bool RefuseCheckpoints
    {
        get => _refuse;
        set => _refuse = value;
    }

    public int RefusedCheckpoints => Volatile.Read(ref _refused);

    public override Task AppendAsync(string tenantId, IReadOnlyList<AuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default) =>
        checkpoint is not null && _refuse ? Refuse() : base.AppendAsync(tenantId, records, checkpoint, cancellationToken);

    public override Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        _refuse ? Refuse() : base.AddCheckpointAsync(checkpoint, cancellationToken);

    public ValueTask DisposeAsync() => _postgres.DisposeAsync();

    private Task Refuse()
    {
        Interlocked.Increment(ref _refused);
        return Task.FromException(new AuditStoreUnavailableException("test: checkpoint writes are refused"));
    }
}
