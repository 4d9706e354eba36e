using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Audit;

public sealed class AuditChainWalkerTests : IDisposable
{
    private readonly MlDsa65KeyPair _key = MlDsa65KeyPair.Generate();

    public void Dispose() => _key.Dispose();

    public static TheoryData<string> Tamperings =>
    [
        "intact", "changed-field", "changed-hash", "deleted-row", "swapped-rows", "inserted-row", "duplicated-row",
        "truncated-after-checkpoint", "truncated-before-any-checkpoint", "rewritten-range", "other-key", "unknown-key-id",
        "checkpoint-mismatch", "checkpoint-of-other-tenant", "row-of-other-tenant", "empty-chain", "no-checkpoints",
        "forged-signature",
    ];

    private (List<AuditRecord> Records, List<AuditCheckpoint> Checkpoints, Dictionary<string, byte[]> Keys) Tamper(string how)
    {
        var (records, checkpoints, keys) = TestChain.Build(_key, 60, 10, 25, 50);
        switch (how)
        {
            case "intact":
                break;
            case "changed-field":
                records[11] = records[11] with { Outcome = "denied" };
                break;
            case "changed-hash":
                records[30] = records[30] with { Hash = new string('0', 64) };
                break;
            case "deleted-row":
                records.RemoveAt(9);
                break;
            case "swapped-rows":
                (records[4], records[5]) = (records[5], records[4]);
                break;
            case "inserted-row":
                records.Insert(8, TestChain.Record(8) with { EventId = "aud_forged", Action = "vault.unseal", Hash = records[7].Hash });
                break;
            case "duplicated-row":
                records.Insert(40, records[39]);
                break;
            case "truncated-after-checkpoint":
                records.RemoveRange(45, 15);
                break;
            case "truncated-before-any-checkpoint":
                records.RemoveRange(5, 55);
                break;
            case "rewritten-range":
                var previous = Convert.FromHexString(records[13].Hash);
                for (var i = 14; i < records.Count; i++)
                {
                    var record = i == 14 ? records[i] with { Outcome = "failed" } : records[i];
                    previous = AuditHashChain.Next(previous, record);
                    records[i] = record with { Hash = Convert.ToHexStringLower(previous) };
                }

                break;
            case "other-key":
                using (var other = MlDsa65KeyPair.Generate())
                {
                    keys[TestChain.KeyId] = other.PublicKey.ToArray();
                }

                break;
            case "unknown-key-id":
                checkpoints[1] = checkpoints[1] with { KeyId = "sk_unknown" };
                break;
            case "checkpoint-mismatch":
                // Validly signed, but over a hash the chain never had at that seq.
                checkpoints[1] = TestChain.Sign(_key, 25, new string('f', 64));
                break;
            case "checkpoint-of-other-tenant":
                checkpoints[2] = TestChain.Sign(_key, 50, records[49].Hash, tenant: "ten_other");
                break;
            case "row-of-other-tenant":
                records[20] = records[20] with { TenantId = "ten_other" };
                break;
            case "empty-chain":
                records.Clear();
                break;
            case "no-checkpoints":
                checkpoints.Clear();
                break;
            case "forged-signature":
                var signature = checkpoints[0].Signature.ToArray();
                signature[100] ^= 0x01;
                checkpoints[0] = checkpoints[0] with { Signature = signature };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(how), how, null);
        }

        return (records, checkpoints, keys);
    }

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void PagedWalk_ReportsExactlyWhatTheOneShotVerifierDid(string tampering)
    {
        var (records, checkpoints, keys) = Tamper(tampering);
        var expected = ReferenceChainVerifier.Verify(TestChain.Tenant, records, checkpoints, keys);

        foreach (var pageSize in new[] { 1, 7, 25, 1000 })
        {
            Assert.Equal(expected, TestChain.WalkPaged(records, checkpoints, keys, pageSize));
        }

        Assert.Equal(expected, AuditChainVerifier.Verify(TestChain.Tenant, records, checkpoints, keys));
    }

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void WalkResumedFromSavedState_OneWalkerPerPage_ReportsExactlyWhatTheOneShotVerifierDid(string tampering)
    {
        // As the reader grain verifies: every page is a new walker over the saved state, given only the checkpoints
        // that page reaches (and, on the last page, the rest).
        var (records, checkpoints, keys) = Tamper(tampering);
        var expected = ReferenceChainVerifier.Verify(TestChain.Tenant, records, checkpoints, keys);

        foreach (var pageSize in new[] { 1, 7, 25, 1000 })
        {
            Assert.Equal(expected, WalkResumed(records, checkpoints, keys, pageSize));
        }
    }

    [Fact]
    public void Save_RefusesWhenAGivenCheckpointWasNotReached_AndResumeRefusesACheckpointAlreadyPassed()
    {
        var (records, checkpoints, keys) = Tamper("intact");
        var walker = new AuditChainWalker(TestChain.Tenant, checkpoints, keys);
        foreach (var record in records.Take(20))
        {
            walker.Add(record);
        }

        Assert.Throws<InvalidOperationException>(walker.Save);
        var early = new AuditChainWalker(TestChain.Tenant, checkpoints.Where(c => c.Seq <= 20), keys);
        foreach (var record in records.Take(20))
        {
            early.Add(record);
        }

        var state = early.Save();
        Assert.Equal(21, state.NextSeq);
        Assert.Throws<ArgumentException>(() => new AuditChainWalker(TestChain.Tenant, checkpoints, keys, state));
    }

    private static AuditVerification WalkResumed(List<AuditRecord> records, List<AuditCheckpoint> checkpoints, Dictionary<string, byte[]> keys, int pageSize)
    {
        var state = AuditWalkState.Start;
        var pages = records.Chunk(pageSize).ToList();
        for (var i = 0; ; i++)
        {
            var page = i < pages.Count ? pages[i] : [];
            var last = i >= pages.Count - 1;
            var to = last ? long.MaxValue : page[^1].Seq;
            var walker = new AuditChainWalker(TestChain.Tenant, checkpoints.Where(c => c.Seq >= state.NextSeq && c.Seq <= to), keys, state);
            if (!page.All(walker.Add) || last)
            {
                return walker.Complete();
            }

            state = walker.Save();
        }
    }

    [Theory]
    [InlineData("intact", null)]
    [InlineData("changed-field", 12L)]
    [InlineData("changed-hash", 31L)]
    [InlineData("deleted-row", 10L)]
    [InlineData("swapped-rows", 5L)]
    [InlineData("inserted-row", 9L)]
    [InlineData("duplicated-row", 41L)]
    [InlineData("truncated-after-checkpoint", 46L)]
    [InlineData("rewritten-range", 11L)]
    [InlineData("other-key", 10L)]
    [InlineData("unknown-key-id", 25L)]
    [InlineData("checkpoint-mismatch", 11L)]
    [InlineData("checkpoint-of-other-tenant", 50L)]
    [InlineData("row-of-other-tenant", 21L)]
    [InlineData("forged-signature", 10L)]
    public void Walk_NamesTheFirstBadSeq(string tampering, long? firstBadSeq)
    {
        var (records, checkpoints, keys) = Tamper(tampering);

        var result = TestChain.WalkPaged(records, checkpoints, keys, 9);

        Assert.Equal(firstBadSeq is null, result.Valid);
        Assert.Equal(firstBadSeq, result.FirstBadSeq);
    }

    [Fact]
    public void Add_ReturnsFalseFromTheFailure_AndIgnoresLaterRecords()
    {
        var (records, checkpoints, keys) = Tamper("changed-field");
        var walker = new AuditChainWalker(TestChain.Tenant, checkpoints, keys);

        var answers = records.Select(walker.Add).ToList();

        Assert.All(answers.Take(11), Assert.True);
        Assert.All(answers.Skip(11), Assert.False);
        var result = walker.Complete();
        Assert.Equal(12, result.FirstBadSeq);
        Assert.Equal(11, result.EventsChecked);
        Assert.Equal(records[10].Hash, result.LastHashHex);
    }

    [Fact]
    public void Complete_IsIdempotent_AndEndsTheWalk()
    {
        var (records, checkpoints, keys) = Tamper("intact");
        var walker = new AuditChainWalker(TestChain.Tenant, checkpoints, keys);
        foreach (var record in records)
        {
            walker.Add(record);
        }

        var first = walker.Complete();

        Assert.True(first.Valid, first.Problem);
        Assert.Equal(3, first.CheckpointsChecked);
        Assert.Equal(60, first.LastSeq);
        Assert.Equal(records[^1].Hash, first.LastHashHex);
        Assert.Same(first, walker.Complete());
        Assert.Throws<InvalidOperationException>(() => walker.Add(records[0]));
    }

    [Fact]
    public void Walk_StreamsALongChainWithoutHoldingIt()
    {
        // Records are produced lazily and dropped after Add: the walker keeps only the head and the checkpoint hashes.
        const int Count = 50_000;
        var checkpoints = new List<AuditCheckpoint>();
        var walker = new AuditChainWalker(TestChain.Tenant, Lazy(), new Dictionary<string, byte[]> { [TestChain.KeyId] = _key.PublicKey.ToArray() });

        var added = Produce().Count(walker.Add);
        var result = walker.Complete();

        Assert.Equal(Count, added);
        Assert.True(result.Valid, result.Problem);
        Assert.Equal(Count, result.EventsChecked);
        Assert.Equal(2, result.CheckpointsChecked);

        IEnumerable<AuditRecord> Produce()
        {
            var previous = AuditHashChain.Genesis;
            for (var seq = 1; seq <= Count; seq++)
            {
                var record = TestChain.Record(seq);
                previous = AuditHashChain.Next(previous, record);
                yield return record with { Hash = Convert.ToHexStringLower(previous) };
            }
        }

        IEnumerable<AuditCheckpoint> Lazy()
        {
            // Sign checkpoints at 10,000 and 50,000 from a separate pass over the chain.
            var previous = AuditHashChain.Genesis;
            for (var seq = 1; seq <= Count; seq++)
            {
                previous = AuditHashChain.Next(previous, TestChain.Record(seq));
                if (seq is 10_000 or Count)
                {
                    checkpoints.Add(TestChain.Sign(_key, seq, Convert.ToHexStringLower(previous)));
                }
            }

            return checkpoints;
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public bool RandomTampering_PagedWalkAgreesWithTheReference(int seed, FsCheck.PositiveInt pageSize)
    {
        var random = new Random(seed);
        var (records, checkpoints, keys) = Tamper("intact");
        for (var edits = random.Next(0, 3); edits > 0 && records.Count > 1; edits--)
        {
            var i = random.Next(records.Count);
            var j = random.Next(records.Count);
            switch (random.Next(5))
            {
                case 0:
                    records[i] = records[i] with { LatencyMs = random.Next() };
                    break;
                case 1:
                    records.RemoveAt(i);
                    break;
                case 2:
                    (records[i], records[j]) = (records[j], records[i]);
                    break;
                case 3:
                    records.Insert(i, records[j]);
                    break;
                default:
                    records.RemoveRange(i, records.Count - i);
                    break;
            }
        }

        var expected = ReferenceChainVerifier.Verify(TestChain.Tenant, records, checkpoints, keys);
        return expected == TestChain.WalkPaged(records, checkpoints, keys, Math.Min(pageSize.Get, 100));
    }
}
