using System.Globalization;

namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// Checks that one event is part of a tenant's chain as certified by a signed checkpoint, without the rest of the
/// chain: the event chains from <c>previous_hash</c> to its stored hash, the events after it chain on to the seq of the
/// checkpoint, and the checkpoint signs that hash with a published key (docs/audit-chain.md, "Inclusion proof").
/// </summary>
/// <remarks>
/// <c>previous_hash</c> itself is not certified by anything but the chain: changing it changes the event's hash, and so
/// every later hash up to the signed one. Checks run in a fixed order and the first failure is reported.
/// </remarks>
public static class AuditInclusionProof
{
    /// <summary>Verifies the inclusion of <paramref name="target"/> under <paramref name="checkpoint"/>.</summary>
    /// <param name="target">The event with its stored hash.</param>
    /// <param name="previousHashHex">The chain hash at <c>target.Seq - 1</c> (64 hex characters; 32 zero bytes for seq 1).</param>
    /// <param name="following">The events after <paramref name="target"/> up to and including the checkpoint's seq, in seq order.</param>
    /// <param name="checkpoint">The signed checkpoint that covers <paramref name="target"/>.</param>
    /// <param name="signingPublicKeys">The tenant's ML-DSA-65 signing public keys by key id.</param>
    public static AuditInclusionProofResult Verify(
        AuditRecord target,
        string previousHashHex,
        IReadOnlyList<AuditRecord> following,
        AuditCheckpoint checkpoint,
        IReadOnlyDictionary<string, byte[]> signingPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(previousHashHex);
        ArgumentNullException.ThrowIfNull(following);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signingPublicKeys);

        var tenantId = target.TenantId;
        var seq = target.Seq;
        if (!string.Equals(checkpoint.TenantId, tenantId, StringComparison.Ordinal))
        {
            return Fail($"the event belongs to tenant {tenantId} but the checkpoint to tenant {checkpoint.TenantId}.");
        }

        if (seq < 1)
        {
            return Fail(Invariant($"the event has seq {seq}; a chain starts at seq 1."));
        }

        if (!TryParseHash(previousHashHex, out var previous))
        {
            return Fail("previous_hash is not 64 hexadecimal characters.");
        }

        // Nothing precedes seq 1: its previous hash is fixed, so a proof cannot claim another one.
        if (seq == 1 && !previous.AsSpan().SequenceEqual(AuditHashChain.Genesis))
        {
            return Fail("seq 1 must follow 32 zero bytes, but previous_hash is something else.");
        }

        previous = AuditHashChain.Next(previous, target);
        if (!string.Equals(Convert.ToHexStringLower(previous), target.Hash, StringComparison.Ordinal))
        {
            return Fail(Invariant($"seq {seq} does not match its hash: the event, its hash or previous_hash was changed."));
        }

        var lastSeq = seq;
        var lastHash = target.Hash;
        foreach (var next in following)
        {
            if (next is null)
            {
                return Fail(Invariant($"the proof has an empty entry after seq {lastSeq}."));
            }

            if (!string.Equals(next.TenantId, tenantId, StringComparison.Ordinal))
            {
                return Fail(Invariant($"seq {next.Seq} in the proof belongs to another tenant."));
            }

            if (next.Seq != lastSeq + 1)
            {
                return Fail(Invariant($"the proof jumps from seq {lastSeq} to seq {next.Seq}: the following events must be contiguous."));
            }

            previous = AuditHashChain.Next(previous, next);
            lastSeq = next.Seq;
            lastHash = Convert.ToHexStringLower(previous);
            if (!string.Equals(lastHash, next.Hash, StringComparison.Ordinal))
            {
                return Fail(Invariant($"seq {lastSeq} in the proof does not match its hash: the event or its hash was changed."));
            }
        }

        if (checkpoint.Seq != lastSeq)
        {
            return Fail(Invariant($"the proof ends at seq {lastSeq} but the checkpoint is at seq {checkpoint.Seq}."));
        }

        if (!string.Equals(checkpoint.Hash, lastHash, StringComparison.Ordinal))
        {
            return Fail(Invariant($"the chain hash at seq {lastSeq} differs from the hash the checkpoint certifies."));
        }

        if (!signingPublicKeys.TryGetValue(checkpoint.KeyId, out var publicKey))
        {
            return Fail($"the checkpoint names signing key {checkpoint.KeyId}, which is not among the given keys of the tenant.");
        }

        if (!AuditCheckpointSigning.Verify(publicKey, checkpoint.TenantId, checkpoint.Seq, checkpoint.Hash, checkpoint.Timestamp, checkpoint.Signature))
        {
            return Fail($"the checkpoint signature does not verify with signing key {checkpoint.KeyId}.");
        }

        return AuditInclusionProofResult.Success;
    }

    private static AuditInclusionProofResult Fail(string problem) => AuditInclusionProofResult.Failure(problem);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseHash(string hex, out byte[] hash)
    {
        hash = [];
        if (hex.Length != 64)
        {
            return false;
        }

        try
        {
            hash = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
