namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// Verifies a tenant's chain incrementally: feed the stored records in stored order with <see cref="Add"/>, page by
/// page, then call <see cref="Complete"/>. It keeps only the chain head and the recomputed hash at each checkpoint seq,
/// so memory grows with the number of checkpoints, not of events. The result is exactly what
/// <see cref="AuditChainVerifier.Verify"/> reports for the same input (that method is a wrapper over this one).
/// </summary>
/// <remarks>
/// Rules, in the order they are reported (docs/audit-chain.md): every seq from 1 is present once and in order and
/// belongs to the tenant; every stored hash equals <c>SHA-256(previous hash || canonical JSON)</c>; then, in seq order,
/// every checkpoint is for this tenant and signed by a published key, covers no seq beyond the last record (a cut tail),
/// and certifies the recomputed hash at its seq. A record failure always wins over a checkpoint failure, because the
/// checkpoints can only be judged once the records are known to be consistent. Not thread-safe.
/// </remarks>
public sealed class AuditChainWalker
{
    private readonly string _tenantId;
    private readonly AuditCheckpoint[] _checkpoints;
    private readonly IReadOnlyDictionary<string, byte[]> _signingPublicKeys;

    // The recomputed hash at each seq a checkpoint names: all Complete needs to judge the checkpoints.
    private readonly Dictionary<long, string?> _computedAtCheckpoints;
    private byte[] _previous = AuditHashChain.Genesis;
    private long _expected = 1;
    private long _walked;
    private AuditVerification? _failure;
    private AuditVerification? _result;

    /// <summary>Starts a walk of <paramref name="tenantId"/>'s chain.</summary>
    /// <param name="tenantId">The tenant every record and checkpoint must belong to.</param>
    /// <param name="checkpoints">The tenant's signed checkpoints, in any order.</param>
    /// <param name="signingPublicKeys">The tenant's ML-DSA-65 signing public keys (current and retired) by key id.</param>
    public AuditChainWalker(string tenantId, IEnumerable<AuditCheckpoint> checkpoints, IReadOnlyDictionary<string, byte[]> signingPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(signingPublicKeys);
        _tenantId = tenantId;

        // OrderBy is a stable sort: checkpoints with the same seq are judged in the order given, as the verifier always did.
        _checkpoints = [.. checkpoints.OrderBy(c => c?.Seq ?? throw new ArgumentException("A checkpoint is null.", nameof(checkpoints)))];
        _signingPublicKeys = signingPublicKeys;
        _computedAtCheckpoints = [];
        foreach (var checkpoint in _checkpoints)
        {
            _computedAtCheckpoints[checkpoint.Seq] = null;
        }
    }

    /// <summary>Feeds the next stored record (in stored order). Returns false once a failure has been found (further calls are ignored).</summary>
    /// <remarks>
    /// Only record failures (wrong tenant, a missing, inserted or reordered seq, a hash mismatch) stop the walk here;
    /// checkpoint failures are reported by <see cref="Complete"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was already called.</exception>
    public bool Add(ChainedAuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_result is not null)
        {
            throw new InvalidOperationException("The walk is complete; start a new walker to verify again.");
        }

        if (_failure is not null)
        {
            return false;
        }

        var (auditRecord, storedHash) = record;
        if (!string.Equals(auditRecord.TenantId, _tenantId, StringComparison.Ordinal))
        {
            return Fail($"seq {auditRecord.Seq} belongs to another tenant.");
        }

        if (auditRecord.Seq != _expected)
        {
            return auditRecord.Seq > _expected
                ? Fail($"seq {_expected} is missing (found seq {auditRecord.Seq} next): a row was deleted or the rows were reordered.")
                : Fail($"found seq {auditRecord.Seq} where seq {_expected} belongs: a row was inserted, duplicated or reordered.");
        }

        var hash = AuditHashChain.Next(_previous, auditRecord);
        var hashHex = Convert.ToHexStringLower(hash);
        if (!string.Equals(hashHex, storedHash, StringComparison.Ordinal))
        {
            return Fail($"seq {_expected} does not match its hash: the event or its hash was changed.");
        }

        if (_computedAtCheckpoints.ContainsKey(_expected))
        {
            _computedAtCheckpoints[_expected] = hashHex;
        }

        _previous = hash;
        _expected++;
        _walked++;
        return true;
    }

    /// <summary>Finishes: checks checkpoints beyond the last record (tail truncation) etc. and returns the result.</summary>
    /// <remarks>Calling it again returns the same result.</remarks>
    public AuditVerification Complete()
    {
        return _result ??= _failure ?? CheckCheckpoints();
    }

    private bool Fail(string problem)
    {
        _failure = new AuditVerification(false, _expected, problem, _walked, 0, _expected - 1, Convert.ToHexStringLower(_previous));
        return false;
    }

    private AuditVerification CheckCheckpoints()
    {
        var lastSeq = _expected - 1;
        var lastHash = Convert.ToHexStringLower(_previous);
        var checkedCount = 0;
        foreach (var checkpoint in _checkpoints)
        {
            if (!string.Equals(checkpoint.TenantId, _tenantId, StringComparison.Ordinal)
                || !_signingPublicKeys.TryGetValue(checkpoint.KeyId, out var publicKey)
                || !AuditCheckpointSigning.Verify(publicKey, checkpoint.TenantId, checkpoint.Seq, checkpoint.HashHex, checkpoint.Timestamp, checkpoint.Signature))
            {
                return Failed(checkpoint.Seq, $"the checkpoint at seq {checkpoint.Seq} is not signed by a published key of this tenant.");
            }

            if (checkpoint.Seq > lastSeq)
            {
                return Failed(lastSeq + 1, $"the chain ends at seq {lastSeq} but a signed checkpoint covers seq {checkpoint.Seq}: events were removed from the tail.");
            }

            if (checkpoint.Seq > 0 && !string.Equals(_computedAtCheckpoints[checkpoint.Seq], checkpoint.HashHex, StringComparison.Ordinal))
            {
                return Failed(FirstDivergence(checkpoint), $"the chain up to seq {checkpoint.Seq} differs from what the signed checkpoint certifies.");
            }

            checkedCount++;
        }

        return new AuditVerification(true, null, null, _walked, checkedCount, lastSeq, lastHash);

        AuditVerification Failed(long seq, string problem) => new(false, seq, problem, _walked, checkedCount, lastSeq, lastHash);
    }

    // Stored hashes were consistent but the checkpoint disagrees: the whole range was rewritten after the previous
    // checkpoint, so the first seq after the last good checkpoint is the earliest that can be blamed.
    private long FirstDivergence(AuditCheckpoint failing) => 1 + _checkpoints
        .Where(c => c.Seq < failing.Seq && _computedAtCheckpoints.TryGetValue(c.Seq, out var h) && h is not null && string.Equals(h, c.HashHex, StringComparison.Ordinal))
        .Select(c => c.Seq)
        .DefaultIfEmpty(0)
        .Max();
}
