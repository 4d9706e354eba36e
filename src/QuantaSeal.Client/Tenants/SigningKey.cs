namespace QuantaSeal.Client.Tenants;

/// <summary>A tenant ML-DSA-65 signing public key.</summary>
/// <param name="KeyId">The key id (<c>sk_...</c>) that envelopes name in <c>signature.key_id</c>.</param>
/// <param name="Algorithm">Always <c>ML-DSA-65</c>.</param>
/// <param name="PublicKey">FIPS 204 public key (1952 bytes).</param>
/// <param name="Status"><c>current</c> or <c>retired</c>.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="RetiredAt">Retirement time, if retired.</param>
public sealed record SigningKey(string KeyId, string Algorithm, byte[] PublicKey, string? Status, DateTimeOffset? CreatedAt, DateTimeOffset? RetiredAt);
