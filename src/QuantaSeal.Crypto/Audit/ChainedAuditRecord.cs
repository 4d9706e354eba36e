namespace QuantaSeal.Crypto.Audit;

/// <summary>An audit record with the chain hash stored (or exported) next to it.</summary>
/// <param name="Record">The event.</param>
/// <param name="HashHex">The stored hash, lower-case hex.</param>
public sealed record ChainedAuditRecord(AuditRecord Record, string HashHex);
