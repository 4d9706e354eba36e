namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// Walks a tenant's chain from seq 1: every seq present once and in order, every stored hash equal to the recomputed
/// one, and every checkpoint signed by a published key and matching the recomputed hash at its seq. The first
/// failure names its seq; a chain cut short after a checkpoint fails at the first missing seq.
/// </summary>
/// <remarks>A one-shot wrapper over <see cref="AuditChainWalker"/>; use the walker to verify page by page.</remarks>
public static class AuditChainVerifier
{
    /// <summary>Verifies <paramref name="records"/> (ordered as stored) against <paramref name="checkpoints"/>.</summary>
    public static AuditVerification Verify(
        string tenantId,
        IEnumerable<AuditRecord> records,
        IEnumerable<AuditCheckpoint> checkpoints,
        IReadOnlyDictionary<string, byte[]> signingPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(records);
        var walker = new AuditChainWalker(tenantId, checkpoints, signingPublicKeys);
        foreach (var record in records)
        {
            if (!walker.Add(record))
            {
                break;
            }
        }

        return walker.Complete();
    }
}
