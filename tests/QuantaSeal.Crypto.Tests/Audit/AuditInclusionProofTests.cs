using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Audit;

public sealed class AuditInclusionProofTests : IDisposable
{
    private readonly MlDsa65KeyPair _key = MlDsa65KeyPair.Generate();
    private readonly TestChain _chain;

    public AuditInclusionProofTests() => _chain = TestChain.Build(_key, 30, 10, 25);

    public void Dispose() => _key.Dispose();

    private sealed record Proof(AuditRecord Target, string PreviousHashHex, List<AuditRecord> Following, AuditCheckpoint Checkpoint);

    /// <summary>The proof the server hands out for <paramref name="seq"/>: the events after it up to the first checkpoint covering it.</summary>
    private Proof ProofFor(long seq)
    {
        var checkpoint = _chain.Checkpoints.Where(c => c.Seq >= seq).MinBy(c => c.Seq)!;
        var previous = seq == 1 ? new string('0', 64) : _chain.Records[(int)seq - 2].Hash;
        return new Proof(_chain.Records[(int)seq - 1], previous, _chain.Records.Skip((int)seq).Take((int)(checkpoint.Seq - seq)).ToList(), checkpoint);
    }

    private AuditInclusionProofResult Verify(Proof proof, IReadOnlyDictionary<string, byte[]>? keys = null) =>
        AuditInclusionProof.Verify(proof.Target, proof.PreviousHashHex, proof.Following, proof.Checkpoint, keys ?? _chain.Keys);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(25)]
    public void HonestProof_Verifies(long seq)
    {
        var result = Verify(ProofFor(seq));

        Assert.True(result.Valid, result.Problem);
        Assert.Null(result.Problem);
    }

    [Fact]
    public void ProofWithNoFollowingEvents_VerifiesWhenTheTargetIsTheCheckpointSeq()
    {
        var proof = ProofFor(10);

        Assert.Empty(proof.Following);
        Assert.True(Verify(proof).Valid);
    }

    [Fact]
    public void ChangedTarget_IsRejected()
    {
        var proof = ProofFor(7);
        proof = proof with { Target = proof.Target with { Outcome = "denied" } };

        AssertRejected(Verify(proof), "seq 7 does not match its hash");
    }

    [Fact]
    public void ChangedTargetHash_IsRejected()
    {
        var proof = ProofFor(7);
        proof = proof with { Target = proof.Target with { Hash = proof.Following[0].Hash } };

        AssertRejected(Verify(proof), "seq 7 does not match its hash");
    }

    [Fact]
    public void WrongPreviousHash_IsRejected()
    {
        var proof = ProofFor(7) with { PreviousHashHex = _chain.Records[0].Hash };

        AssertRejected(Verify(proof), "seq 7 does not match its hash");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000")]
    public void MalformedPreviousHash_IsRejected(string previous)
    {
        AssertRejected(Verify(ProofFor(7) with { PreviousHashHex = previous }), "previous_hash is not 64 hexadecimal characters");
    }

    [Fact]
    public void FirstEvent_MustFollowTheZeroHash()
    {
        // Even a self-consistent proof is refused if it claims seq 1 follows something.
        var previous = new string('1', 64);
        var record = _chain.Records[0];
        var hash = Convert.ToHexStringLower(AuditHashChain.Next(Convert.FromHexString(previous), record));
        var checkpoint = TestChain.Sign(_key, 1, hash);

        var result = AuditInclusionProof.Verify(record with { Hash = hash }, previous, [], checkpoint, _chain.Keys);

        AssertRejected(result, "seq 1 must follow 32 zero bytes");
    }

    [Fact]
    public void ChangedFollowingEvent_IsRejected()
    {
        var proof = ProofFor(4);
        proof.Following[2] = proof.Following[2] with { Actor = "ak_someone_else" };

        AssertRejected(Verify(proof), "seq 7 in the proof does not match its hash");
    }

    [Fact]
    public void MissingFollowingEvent_IsRejected()
    {
        var proof = ProofFor(4);
        proof.Following.RemoveAt(2);

        AssertRejected(Verify(proof), "jumps from seq 6 to seq 8");
    }

    [Fact]
    public void SwappedFollowingEvents_AreRejected()
    {
        var proof = ProofFor(4);
        (proof.Following[1], proof.Following[2]) = (proof.Following[2], proof.Following[1]);

        AssertRejected(Verify(proof), "jumps from seq 5 to seq 7");
    }

    [Fact]
    public void FollowingEventOfAnotherTenant_IsRejected()
    {
        var proof = ProofFor(4);
        proof.Following[0] = proof.Following[0] with { TenantId = "ten_other" };

        AssertRejected(Verify(proof), "belongs to another tenant");
    }

    [Fact]
    public void ProofStoppingShortOfTheCheckpoint_IsRejected()
    {
        var proof = ProofFor(4);
        proof.Following.RemoveAt(proof.Following.Count - 1);

        AssertRejected(Verify(proof), "the proof ends at seq 9 but the checkpoint is at seq 10");
    }

    [Fact]
    public void ProofRunningPastTheCheckpoint_IsRejected()
    {
        var proof = ProofFor(4);
        proof.Following.Add(_chain.Records[10]);

        AssertRejected(Verify(proof), "the proof ends at seq 11 but the checkpoint is at seq 10");
    }

    [Fact]
    public void RewrittenTailWithRecomputedHashes_IsCaughtByTheCheckpointHash()
    {
        var proof = ProofFor(4);
        var previous = Convert.FromHexString(proof.PreviousHashHex);
        var target = proof.Target with { Outcome = "failed" };
        previous = AuditHashChain.Next(previous, target);
        var rewritten = target with { Hash = Convert.ToHexStringLower(previous) };
        var following = new List<AuditRecord>();
        foreach (var next in proof.Following)
        {
            previous = AuditHashChain.Next(previous, next);
            following.Add(next with { Hash = Convert.ToHexStringLower(previous) });
        }

        AssertRejected(Verify(proof with { Target = rewritten, Following = following }), "differs from the hash the checkpoint certifies");
    }

    [Fact]
    public void CheckpointOfAnotherTenant_IsRejected()
    {
        var proof = ProofFor(4);
        proof = proof with { Checkpoint = TestChain.Sign(_key, 10, proof.Checkpoint.Hash, tenant: "ten_other") };

        AssertRejected(Verify(proof), "but the checkpoint to tenant ten_other");
    }

    [Fact]
    public void CheckpointWithAnUnknownKeyId_IsRejected()
    {
        var proof = ProofFor(4);

        AssertRejected(Verify(proof with { Checkpoint = proof.Checkpoint with { KeyId = "sk_unknown" } }), "signing key sk_unknown, which is not among the given keys");
    }

    [Fact]
    public void CheckpointSignedByAnotherKey_IsRejected()
    {
        using var other = MlDsa65KeyPair.Generate();

        var result = Verify(ProofFor(4), new Dictionary<string, byte[]> { [TestChain.KeyId] = other.PublicKey.ToArray() });

        AssertRejected(result, "signature does not verify");
    }

    [Fact]
    public void CheckpointWithAChangedTimestamp_IsRejected()
    {
        var proof = ProofFor(4);

        AssertRejected(Verify(proof with { Checkpoint = proof.Checkpoint with { Timestamp = proof.Checkpoint.Timestamp.AddSeconds(1) } }), "signature does not verify");
    }

    [Fact]
    public void CheckpointWithAGarbageSignature_IsRejected_WithoutThrowing()
    {
        var proof = ProofFor(4);

        AssertRejected(Verify(proof with { Checkpoint = proof.Checkpoint with { Signature = [1, 2, 3] } }), "signature does not verify");
    }

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public bool AnyFlippedBitInTheSignature_IsRejected(FsCheck.NonNegativeInt bit)
    {
        var proof = ProofFor(12);
        var signature = proof.Checkpoint.Signature.ToArray();
        var index = bit.Get % (signature.Length * 8);
        signature[index / 8] ^= (byte)(1 << (index % 8));

        return !Verify(proof with { Checkpoint = proof.Checkpoint with { Signature = signature } }).Valid;
    }

    private static void AssertRejected(AuditInclusionProofResult result, string problem)
    {
        Assert.False(result.Valid);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
    }
}
