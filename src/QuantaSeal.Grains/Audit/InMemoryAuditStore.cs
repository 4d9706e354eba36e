using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// The audit chains in this process's memory, for the in-memory dev mode and tests (one silo). Same contract as
/// <see cref="PostgresAuditStore"/>, including the append conflicts; nothing survives a restart.
/// </summary>
public sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<AuditRecord>> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AuditCheckpoint>> _checkpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuditRecord> _byEventId = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<AuditChainHead> GetHeadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var events = Events(tenantId);
            var checkpoints = Checkpoints(tenantId);
            var checkpointSeq = checkpoints.Count == 0 ? 0 : checkpoints[^1].Seq;
            return Task.FromResult(events.Count == 0
                ? new AuditChainHead(0, AuditHashChain.Genesis, checkpointSeq)
                : new AuditChainHead(events[^1].Seq, Convert.FromHexString(events[^1].Hash), checkpointSeq));
        }
    }

    /// <inheritdoc/>
    public Task AppendAsync(string tenantId, IReadOnlyList<AuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            var events = Events(tenantId);
            var next = events.Count + 1L;
            foreach (var record in records)
            {
                if (_byEventId.ContainsKey(record.EventId))
                {
                    throw new AuditAppendConflictException(AuditAppendConflict.DuplicateEvent);
                }

                if (record.Seq != next++)
                {
                    throw new AuditAppendConflictException(AuditAppendConflict.SeqTaken);
                }
            }

            var checkpoints = Checkpoints(tenantId);
            if (checkpoint is not null && checkpoints.Exists(c => c.Seq == checkpoint.Seq))
            {
                throw new AuditAppendConflictException(AuditAppendConflict.SeqTaken);
            }

            foreach (var record in records)
            {
                events.Add(record);
                _byEventId[record.EventId] = record;
            }

            if (checkpoint is not null)
            {
                checkpoints.Add(checkpoint);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlySet<string>>(eventIds.Where(_byEventId.ContainsKey).ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <inheritdoc/>
    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (_gate)
        {
            var checkpoints = Checkpoints(checkpoint.TenantId);
            if (!checkpoints.Exists(c => c.Seq == checkpoint.Seq))
            {
                checkpoints.Add(checkpoint);
                checkpoints.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(string tenantId, long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>(
                [.. Events(tenantId).Where(e => e.Seq >= fromSeq && e.Seq <= toSeq).Take(limit)]);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditRecord>> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IEnumerable<AuditRecord> rows = Events(tenantId);
            if (query.Descending)
            {
                rows = rows.Reverse();
            }

            rows = rows.Where(e =>
                (query.From is null || e.Timestamp >= query.From)
                && (query.To is null || e.Timestamp < query.To)
                && (query.Action is null || e.Action == query.Action)
                && (query.IntegrationId is null || e.IntegrationId == query.IntegrationId)
                && (query.Outcome is null || e.Outcome == query.Outcome)
                && (query.AfterSeq is not { } after || (query.Descending ? e.Seq < after : e.Seq > after)));
            return Task.FromResult<IReadOnlyList<AuditRecord>>([.. rows.Take(query.Limit)]);
        }
    }

    /// <inheritdoc/>
    public Task<AuditRecord?> FindAsync(string tenantId, string eventId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_byEventId.TryGetValue(eventId, out var row) && row.TenantId == tenantId ? row : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditCheckpoint>>([.. Checkpoints(tenantId).Where(c => c.Seq > afterSeq).Take(limit)]);
        }
    }

    /// <inheritdoc/>
    public Task<AuditCheckpoint?> FindCheckpointAsync(string tenantId, long? seq, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var checkpoints = Checkpoints(tenantId);
            return Task.FromResult(seq is { } s ? checkpoints.Find(c => c.Seq >= s) : checkpoints.LastOrDefault());
        }
    }

    private List<AuditRecord> Events(string tenantId)
    {
        if (!_events.TryGetValue(tenantId, out var list))
        {
            _events[tenantId] = list = [];
        }

        return list;
    }

    private List<AuditCheckpoint> Checkpoints(string tenantId)
    {
        if (!_checkpoints.TryGetValue(tenantId, out var list))
        {
            _checkpoints[tenantId] = list = [];
        }

        return list;
    }
}
