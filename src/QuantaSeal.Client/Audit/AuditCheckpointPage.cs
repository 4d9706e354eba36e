using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Audit;

/// <summary>One page of <c>GET /api/v2/audit/checkpoints</c>, oldest first.</summary>
/// <param name="Items">The checkpoints.</param>
/// <param name="NextCursor">Pass as <c>afterSeq</c> for the next page; null on the last page.</param>
public sealed record AuditCheckpointPage(IReadOnlyList<AuditCheckpoint> Items, string? NextCursor);
