namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// Verifies a tenant's chain incrementally: feed the stored records in stored order with <see cref="Add"/>, page by
/// page, then call <see cref="Complete"/>. Each checkpoint is judged as the walk reaches its seq, so the walker keeps
/// only the chain head and a few numbers. The result is exactly what <see cref="AuditChainVerifier.Verify"/> reports for
/// the same input (that method is a wrapper over this one).
/// </summary>
/// <remarks>
/// <para>
/// Rules, in the order they are reported (docs/audit-chain.md): every seq from 1 is present once and in order and
/// belongs to the tenant; every stored hash equals <c>SHA-256(previous hash || canonical JSON)</c>; then, in seq order,
/// every checkpoint is for this tenant and signed by a published key, covers no seq beyond the last record (a cut tail),
/// and certifies the recomputed hash at its seq. A record failure always wins over a checkpoint failure, because the
/// checkpoints can only be judged once the records are known to be consistent: a checkpoint failure is kept aside
/// and reported by <see cref="Complete"/> only when every record was consistent. Not thread-safe.
/// </para>
/// <para>
/// A walk can be split across processes or grain calls: <see cref="Save"/> returns the walk's state after the records
/// fed so far, and a walker built over that state with the checkpoints from <see cref="AuditWalkState.NextSeq"/> on
/// continues it (<see cref="AuditChainWalker(string, IEnumerable{AuditCheckpoint}, IReadOnlyDictionary{string, byte[]}, AuditWalkState)"/>).
/// </para>
/// </remarks>
public sealed class AuditChainWalker
{
    private readonly string _tenantId;
    private readonly AuditCheckpoint[] _checkpoints;
    private readonly IReadOnlyDictionary<string, byte[]> _signingPublicKeys;

    private int _nextCheckpoint;
    private byte[] _previous;
    private long _expected;
    private long _walked;
    private int _checkpointsChecked;

    // The largest seq of a checkpoint that passed, and the largest one below it: where the blame starts when a later
    // checkpoint disagrees with the chain.
    private long _lastPassedSeq;
    private long _passedBelowLast;
    private long? _checkpointFailureSeq;
    private string? _checkpointFailure;
    private AuditVerification? _recordFailure;
    private AuditVerification? _result;

    /// <summary>Starts a walk of <paramref name="tenantId"/>'s chain.</summary>
    /// <param name="tenantId">The tenant every record and checkpoint must belong to.</param>
    /// <param name="checkpoints">The tenant's signed checkpoints, in any order.</param>
    /// <param name="signingPublicKeys">The tenant's ML-DSA-65 signing public keys (current and retired) by key id.</param>
    public AuditChainWalker(string tenantId, IEnumerable<AuditCheckpoint> checkpoints, IReadOnlyDictionary<string, byte[]> signingPublicKeys)
        : this(tenantId, checkpoints, signingPublicKeys, AuditWalkState.Start)
    {
    }

    /// <summary>Continues a walk saved by <see cref="Save"/>.</summary>
    /// <param name="tenantId">The tenant every record and checkpoint must belong to.</param>
    /// <param name="checkpoints">
    /// The tenant's checkpoints not judged yet (seq at least <see cref="AuditWalkState.NextSeq"/>), in any order; every
    /// one the walk must judge before it is saved again or completed.
    /// </param>
    /// <param name="signingPublicKeys">The tenant's ML-DSA-65 signing public keys (current and retired) by key id.</param>
    /// <param name="state">Where the walk stands.</param>
    /// <exception cref="ArgumentException">A checkpoint is null, or lies before the saved position.</exception>
    public AuditChainWalker(string tenantId, IEnumerable<AuditCheckpoint> checkpoints, IReadOnlyDictionary<string, byte[]> signingPublicKeys, AuditWalkState state)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(signingPublicKeys);
        ArgumentNullException.ThrowIfNull(state);
        _tenantId = tenantId;

        // OrderBy is a stable sort: checkpoints with the same seq are judged in the order given, as the verifier always did.
        _checkpoints = [.. checkpoints.OrderBy(c => c?.Seq ?? throw new ArgumentException("A checkpoint is null.", nameof(checkpoints)))];
        if (state.NextSeq > 1 && _checkpoints.Length > 0 && _checkpoints[0].Seq < state.NextSeq)
        {
            throw new ArgumentException($"A resumed walk at seq {state.NextSeq} was given a checkpoint at seq {_checkpoints[0].Seq}, which it already passed.", nameof(checkpoints));
        }

        _signingPublicKeys = signingPublicKeys;
        _expected = state.NextSeq;
        _previous = Convert.FromHexString(state.PreviousHashHex);
        _walked = state.EventsChecked;
        _checkpointsChecked = state.CheckpointsChecked;
        _lastPassedSeq = state.LastPassedCheckpointSeq;
        _passedBelowLast = state.PassedCheckpointBelowLast;
        _checkpointFailureSeq = state.CheckpointFailureSeq;
        _checkpointFailure = state.CheckpointFailure;
    }

    /// <summary>Feeds the next stored record (in stored order). Returns false once a failure has been found (further calls are ignored).</summary>
    /// <remarks>
    /// Only record failures (wrong tenant, a missing, inserted or reordered seq, a hash mismatch) stop the walk here;
    /// checkpoint failures are reported by <see cref="Complete"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was already called.</exception>
    public bool Add(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_result is not null)
        {
            throw new InvalidOperationException("The walk is complete; start a new walker to verify again.");
        }

        if (_recordFailure is not null)
        {
            return false;
        }

        if (!string.Equals(record.TenantId, _tenantId, StringComparison.Ordinal))
        {
            return Fail($"seq {record.Seq} belongs to another tenant.");
        }

        if (record.Seq != _expected)
        {
            return record.Seq > _expected
                ? Fail($"seq {_expected} is missing (found seq {record.Seq} next): a row was deleted or the rows were reordered.")
                : Fail($"found seq {record.Seq} where seq {_expected} belongs: a row was inserted, duplicated or reordered.");
        }

        var hash = AuditHashChain.Next(_previous, record);
        var hashHex = Convert.ToHexStringLower(hash);
        if (!string.Equals(hashHex, record.Hash, StringComparison.Ordinal))
        {
            return Fail($"seq {_expected} does not match its hash: the event or its hash was changed.");
        }

        // Checkpoints at or below this seq: those at it certify this hash; those below it (seq 0 or less, never
        // reached by a record) carry no hash to compare.
        while (_nextCheckpoint < _checkpoints.Length && _checkpoints[_nextCheckpoint].Seq <= _expected)
        {
            var checkpoint = _checkpoints[_nextCheckpoint++];
            Judge(checkpoint, checkpoint.Seq == _expected ? hashHex : null, lastSeq: long.MaxValue);
        }

        _previous = hash;
        _expected++;
        _walked++;
        return true;
    }

    /// <summary>
    /// The walk's state after the records fed so far, to continue it with a new walker (another page, another call).
    /// Every checkpoint this walker was given must have been reached.
    /// </summary>
    /// <exception cref="InvalidOperationException">A record failure was found (call <see cref="Complete"/>), or a checkpoint was not reached yet.</exception>
    public AuditWalkState Save()
    {
        if (_recordFailure is not null || _result is not null)
        {
            throw new InvalidOperationException("The walk has its result; call Complete.");
        }

        if (_nextCheckpoint < _checkpoints.Length)
        {
            throw new InvalidOperationException($"The checkpoint at seq {_checkpoints[_nextCheckpoint].Seq} was not reached by this part of the walk.");
        }

        return new AuditWalkState(
            _expected, Convert.ToHexStringLower(_previous), _walked, _checkpointsChecked, _lastPassedSeq, _passedBelowLast, _checkpointFailureSeq, _checkpointFailure);
    }

    /// <summary>Finishes: checks the checkpoints the walk did not reach (tail truncation) and returns the result.</summary>
    /// <remarks>Calling it again returns the same result.</remarks>
    public AuditVerification Complete()
    {
        if (_result is not null)
        {
            return _result;
        }

        if (_recordFailure is not null)
        {
            return _result = _recordFailure;
        }

        var lastSeq = _expected - 1;
        while (_nextCheckpoint < _checkpoints.Length)
        {
            Judge(_checkpoints[_nextCheckpoint++], computedHashHex: null, lastSeq);
        }

        var lastHash = Convert.ToHexStringLower(_previous);
        return _result = _checkpointFailureSeq is { } failedAt
            ? new AuditVerification(false, failedAt, _checkpointFailure, _walked, _checkpointsChecked, lastSeq, lastHash)
            : new AuditVerification(true, null, null, _walked, _checkpointsChecked, lastSeq, lastHash);
    }

    private bool Fail(string problem)
    {
        _recordFailure = new AuditVerification(false, _expected, problem, _walked, 0, _expected - 1, Convert.ToHexStringLower(_previous));
        return false;
    }

    /// <summary>Judges one checkpoint in seq order; after the first failure the rest are not judged (or counted).</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="computedHashHex">The recomputed hash at its seq, when the walk reached it.</param>
    /// <param name="lastSeq">The last seq of the chain when the walk is over; <see cref="long.MaxValue"/> while it goes on.</param>
    private void Judge(AuditCheckpoint checkpoint, string? computedHashHex, long lastSeq)
    {
        if (_checkpointFailureSeq is not null)
        {
            return;
        }

        if (!string.Equals(checkpoint.TenantId, _tenantId, StringComparison.Ordinal)
            || !_signingPublicKeys.TryGetValue(checkpoint.KeyId, out var publicKey)
            || !AuditCheckpointSigning.Verify(publicKey, checkpoint.TenantId, checkpoint.Seq, checkpoint.Hash, checkpoint.Timestamp, checkpoint.Signature))
        {
            FailCheckpoint(checkpoint.Seq, $"the checkpoint at seq {checkpoint.Seq} is not signed by a published key of this tenant.");
            return;
        }

        if (checkpoint.Seq > lastSeq)
        {
            FailCheckpoint(lastSeq + 1, $"the chain ends at seq {lastSeq} but a signed checkpoint covers seq {checkpoint.Seq}: events were removed from the tail.");
            return;
        }

        if (checkpoint.Seq > 0 && !string.Equals(computedHashHex, checkpoint.Hash, StringComparison.Ordinal))
        {
            // Stored hashes were consistent but the checkpoint disagrees: the whole range was rewritten after the
            // previous good checkpoint, so the first seq after it is the earliest that can be blamed.
            var lastGood = _lastPassedSeq < checkpoint.Seq ? _lastPassedSeq : _passedBelowLast;
            FailCheckpoint(lastGood + 1, $"the chain up to seq {checkpoint.Seq} differs from what the signed checkpoint certifies.");
            return;
        }

        _checkpointsChecked++;
        if (checkpoint.Seq > _lastPassedSeq)
        {
            _passedBelowLast = _lastPassedSeq;
            _lastPassedSeq = checkpoint.Seq;
        }
    }

    private void FailCheckpoint(long seq, string problem)
    {
        _checkpointFailureSeq = seq;
        _checkpointFailure = problem;
    }
}
