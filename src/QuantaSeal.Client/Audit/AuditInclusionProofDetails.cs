using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Audit;

/// <summary>What a client needs to check one event against a signed checkpoint (docs/audit-chain.md, "Inclusion proof").</summary>
/// <param name="PreviousHash">The chain hash before the event (64 zero hex digits for seq 1).</param>
/// <param name="Following">The events after it, in seq order, up to the checkpoint's seq.</param>
/// <param name="Checkpoint">The first signed checkpoint covering the event; null while no checkpoint covers it yet.</param>
public sealed record AuditInclusionProofDetails(string PreviousHash, IReadOnlyList<AuditRecord> Following, AuditCheckpoint? Checkpoint);
