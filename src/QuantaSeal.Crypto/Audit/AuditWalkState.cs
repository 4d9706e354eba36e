namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// Where a chain walk stands between two parts of it (<see cref="AuditChainWalker.Save"/>): the next seq expected, the
/// hash before it, what was counted, and a checkpoint failure found so far (reported only if every record turns out
/// consistent). Small and fixed in size however long the chain.
/// </summary>
/// <param name="NextSeq">The seq the next record must have (1 at the start).</param>
/// <param name="PreviousHashHex">The recomputed hash at <c>NextSeq - 1</c> (32 zero bytes at the start), lower-case hex.</param>
/// <param name="EventsChecked">Records walked so far.</param>
/// <param name="CheckpointsChecked">Checkpoints that passed so far.</param>
/// <param name="LastPassedCheckpointSeq">The largest seq of a checkpoint that passed (0 when none).</param>
/// <param name="PassedCheckpointBelowLast">The largest seq of a passed checkpoint below <paramref name="LastPassedCheckpointSeq"/> (0 when none).</param>
/// <param name="CheckpointFailureSeq">The first bad seq a checkpoint named, when one failed.</param>
/// <param name="CheckpointFailure">Why that checkpoint failed.</param>
public sealed record AuditWalkState(
    long NextSeq,
    string PreviousHashHex,
    long EventsChecked,
    int CheckpointsChecked,
    long LastPassedCheckpointSeq,
    long PassedCheckpointBelowLast,
    long? CheckpointFailureSeq,
    string? CheckpointFailure)
{
    /// <summary>The state before the first record.</summary>
    public static AuditWalkState Start { get; } = new(1, Convert.ToHexStringLower(AuditHashChain.Genesis), 0, 0, 0, 0, null, null);
}
