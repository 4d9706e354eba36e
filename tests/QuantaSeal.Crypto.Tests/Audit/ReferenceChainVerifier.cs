using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>
/// The one-shot verifier as it was before <see cref="AuditChainWalker"/> (it kept every recomputed hash in memory),
/// kept here as the oracle the walker must agree with, result for result.
/// </summary>
internal static class ReferenceChainVerifier
{
    public static AuditVerification Verify(string tenantId, IEnumerable<AuditRecord> records, IEnumerable<AuditCheckpoint> checkpoints, IReadOnlyDictionary<string, byte[]> signingPublicKeys)
    {
        var computed = new Dictionary<long, string>();
        var previous = AuditHashChain.Genesis;
        long expected = 1;
        long walked = 0;
        foreach (var record in records)
        {
            if (!string.Equals(record.TenantId, tenantId, StringComparison.Ordinal))
            {
                return Fail(expected, $"seq {record.Seq} belongs to another tenant.");
            }

            if (record.Seq != expected)
            {
                return record.Seq > expected
                    ? Fail(expected, $"seq {expected} is missing (found seq {record.Seq} next): a row was deleted or the rows were reordered.")
                    : Fail(expected, $"found seq {record.Seq} where seq {expected} belongs: a row was inserted, duplicated or reordered.");
            }

            var hash = AuditHashChain.Next(previous, record);
            var hashHex = Convert.ToHexStringLower(hash);
            if (!string.Equals(hashHex, record.Hash, StringComparison.Ordinal))
            {
                return Fail(expected, $"seq {expected} does not match its hash: the event or its hash was changed.");
            }

            computed[expected] = hashHex;
            previous = hash;
            expected++;
            walked++;
        }

        var lastSeq = expected - 1;
        var lastHash = Convert.ToHexStringLower(previous);
        var checkedCount = 0;
        foreach (var checkpoint in checkpoints.OrderBy(c => c.Seq))
        {
            if (!string.Equals(checkpoint.TenantId, tenantId, StringComparison.Ordinal)
                || !signingPublicKeys.TryGetValue(checkpoint.KeyId, out var publicKey)
                || !AuditCheckpointSigning.Verify(publicKey, checkpoint.TenantId, checkpoint.Seq, checkpoint.Hash, checkpoint.Timestamp, checkpoint.Signature))
            {
                return Fail(checkpoint.Seq, $"the checkpoint at seq {checkpoint.Seq} is not signed by a published key of this tenant.", walked, checkedCount, lastSeq, lastHash);
            }

            if (checkpoint.Seq > lastSeq)
            {
                return Fail(lastSeq + 1, $"the chain ends at seq {lastSeq} but a signed checkpoint covers seq {checkpoint.Seq}: events were removed from the tail.", walked, checkedCount, lastSeq, lastHash);
            }

            if (checkpoint.Seq > 0 && !string.Equals(computed[checkpoint.Seq], checkpoint.Hash, StringComparison.Ordinal))
            {
                return Fail(FirstDivergence(checkpoint), $"the chain up to seq {checkpoint.Seq} differs from what the signed checkpoint certifies.", walked, checkedCount, lastSeq, lastHash);
            }

            checkedCount++;
        }

        return new AuditVerification(true, null, null, walked, checkedCount, lastSeq, lastHash);

        AuditVerification Fail(long seq, string problem, long events = -1, int cps = 0, long last = -1, string? hash = null) =>
            new(false, seq, problem, events < 0 ? walked : events, cps, last < 0 ? expected - 1 : last, hash ?? Convert.ToHexStringLower(previous));

        long FirstDivergence(AuditCheckpoint failing) => 1 + checkpoints
            .Where(c => c.Seq < failing.Seq && computed.TryGetValue(c.Seq, out var h) && string.Equals(h, c.Hash, StringComparison.Ordinal))
            .Select(c => c.Seq)
            .DefaultIfEmpty(0)
            .Max();
    }
}
