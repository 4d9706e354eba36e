namespace QuantaSeal.Crypto.Audit;

/// <summary>A signed checkpoint of a tenant's chain.</summary>
/// <param name="TenantId">Tenant.</param>
/// <param name="Seq">Last seq covered.</param>
/// <param name="HashHex">Chain hash at <paramref name="Seq"/>, lower-case hex.</param>
/// <param name="Timestamp">When it was made.</param>
/// <param name="KeyId">The signing key id (<c>sk_...</c>).</param>
/// <param name="Signature">ML-DSA-65 signature over <see cref="AuditCheckpointSigning.SignedBytes"/>.</param>
public sealed record AuditCheckpoint(string TenantId, long Seq, string HashHex, DateTimeOffset Timestamp, string KeyId, byte[] Signature);
