using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Audit;

/// <inheritdoc cref="IAuditReaderGrain"/>
/// <remarks>Stateless and reentrant: reads run on every core of the silo and never queue behind the chain grain.</remarks>
[GrainType("qs.audit-reader")]
[StatelessWorker]
[Reentrant]
internal sealed class AuditReaderGrain(IAuditStore store, IOptions<AuditChainOptions> options) : Grain, IAuditReaderGrain, ITenantOwned
{
    /// <summary>Rows read per store round trip when exporting the chain.</summary>
    internal const int PageSize = 2_000;

    /// <summary>Upper bound of one query page.</summary>
    internal const int MaxLimit = 1_000;

    private string TenantId => this.GetPrimaryKeyString();

    public async Task<AuditEventPage> QueryAsync(AuditEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        // One row more than asked tells whether another page exists.
        var rows = await store.QueryAsync(TenantId, query with { Limit = limit + 1 }, cancellationToken);
        var items = rows.Take(limit).ToList();
        return new AuditEventPage(items, rows.Count > limit ? items[^1].Seq : null);
    }

    public async Task<AuditEventProof?> GetWithProofAsync(string eventId, CancellationToken cancellationToken = default)
    {
        var found = await store.FindAsync(TenantId, eventId, cancellationToken);
        if (found is null)
        {
            return null;
        }

        var seq = found.Seq;
        var checkpoint = await store.FindCheckpointAsync(TenantId, seq, cancellationToken);
        if (checkpoint is null)
        {
            // Not certified yet: ask the chain to sign its head now (cheap, and only when there is something new).
            await GrainFactory.GetGrain<IAuditChainGrain>(TenantId).CheckpointNowAsync(cancellationToken);
            checkpoint = await store.FindCheckpointAsync(TenantId, seq, cancellationToken);
        }

        var previousHash = seq == 1
            ? Convert.ToHexStringLower(AuditHashChain.Genesis)
            : (await store.ReadRangeAsync(TenantId, seq - 1, seq - 1, 1, cancellationToken)).Single().Hash;
        var following = checkpoint is null || checkpoint.Seq == seq
            ? []
            : await store.ReadRangeAsync(TenantId, seq + 1, checkpoint.Seq, (int)(checkpoint.Seq - seq), cancellationToken);
        return new AuditEventProof(
            found,
            previousHash,
            following,
            checkpoint);
    }

    public async Task<AuditVerifyStep> VerifyPageAsync(AuditVerifyCursor? cursor, CancellationToken cancellationToken = default)
    {
        var pageSize = options.Value.VerifyPageEvents;
        var upTo = cursor?.UpToSeq ?? await WalkBoundAsync(cancellationToken);
        var state = cursor is null
            ? AuditWalkState.Start
            : new AuditWalkState(
                cursor.NextSeq, cursor.PreviousHash, cursor.EventsChecked, cursor.CheckpointsChecked, cursor.LastPassedCheckpointSeq,
                cursor.PassedCheckpointBelowLast, cursor.CheckpointFailureSeq, cursor.CheckpointFailure);

        var keys = await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetPublicKeysAsync(cancellationToken);
        var signingKeys = keys.SigningKeys.ToDictionary(k => k.KeyId, k => k.PublicKey, StringComparer.Ordinal);
        IReadOnlyList<AuditRecord> rows = state.NextSeq > upTo ? [] : await store.ReadRangeAsync(TenantId, state.NextSeq, upTo, pageSize, cancellationToken);
        var last = rows.Count < pageSize || rows[^1].Seq >= upTo;

        // The checkpoints this page reaches (its seq range), or on the last page every one left up to the bound. A
        // consistent page has at most pageSize distinct seqs, so pageSize + 1 checkpoints always include the first one
        // beyond the chain's end when there is one (a cut tail); an inconsistent page fails on its records anyway.
        var checkpointsTo = last ? upTo : rows[^1].Seq;
        var checkpoints = await store.ListCheckpointsAsync(TenantId, state.NextSeq - 1, pageSize + 1, cancellationToken);
        var walker = new AuditChainWalker(TenantId, checkpoints.Where(c => c.Seq <= checkpointsTo), signingKeys, state);
        if (rows.All(walker.Add) && !last)
        {
            var saved = walker.Save();
            return new AuditVerifyStep(
                new AuditVerifyCursor(
                    upTo, saved.NextSeq, saved.PreviousHashHex, saved.EventsChecked, saved.CheckpointsChecked, saved.LastPassedCheckpointSeq,
                    saved.PassedCheckpointBelowLast, saved.CheckpointFailureSeq, saved.CheckpointFailure),
                null);
        }

        var result = walker.Complete();

        // A valid chain is not the whole story: acknowledged events in the dead letters are missing from it (DESIGN §7).
        var dead = await store.CountDeadLetteredAsync(TenantId, cancellationToken);
        return new AuditVerifyStep(null, new AuditVerifyReport(
            result.Valid, result.FirstBadSeq, result.Problem, result.EventsChecked, result.CheckpointsChecked, result.LastSeq, result.LastHashHex,
            dead.Events, dead.UnattributedMessages));
    }

    public async Task<AuditCompleteness> GetCompletenessAsync(CancellationToken cancellationToken = default)
    {
        var dead = await store.CountDeadLetteredAsync(TenantId, cancellationToken);
        return new AuditCompleteness(dead.Events, dead.UnattributedMessages);
    }

    public Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(long fromSeq, long toSeq, int limit, CancellationToken cancellationToken = default) =>
        store.ReadRangeAsync(TenantId, fromSeq, toSeq, Math.Clamp(limit, 1, PageSize), cancellationToken);

    public Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        store.ListCheckpointsAsync(TenantId, afterSeq, Math.Clamp(limit, 1, PageSize), cancellationToken);

    public Task<AuditCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        store.FindCheckpointAsync(TenantId, null, cancellationToken);

    public async Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default) =>
        (await store.GetHeadAsync(TenantId, cancellationToken)).Seq;

    /// <summary>
    /// How far a walk goes: the chain as it stands now. The newest checkpoint counts too, because a chain whose tail was
    /// cut ends before it, and that checkpoint is the evidence; checkpoints signed during the walk lie beyond the bound.
    /// </summary>
    private async Task<long> WalkBoundAsync(CancellationToken cancellationToken)
    {
        var latest = await store.FindCheckpointAsync(TenantId, null, cancellationToken);
        var head = await store.GetHeadAsync(TenantId, cancellationToken);
        return Math.Max(head.Seq, latest?.Seq ?? 0);
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, TenantId, StringComparison.Ordinal);
}
