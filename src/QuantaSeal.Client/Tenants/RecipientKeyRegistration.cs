namespace QuantaSeal.Client.Tenants;

/// <summary>A registered client recipient (ML-KEM-768) public key.</summary>
/// <param name="RecipientKeyId">The id (<c>rk_...</c>) envelopes name in <c>encrypted.recipient_key_id</c>.</param>
/// <param name="Algorithm">Always <c>ML-KEM-768</c>.</param>
/// <param name="PublicKey">FIPS 203 encapsulation key (1184 bytes).</param>
/// <param name="Label">Optional label.</param>
/// <param name="Status"><c>active</c> or <c>revoked</c>.</param>
/// <param name="CreatedAt">Registration time.</param>
/// <param name="RevokedAt">Revocation time, if revoked.</param>
/// <param name="IsDefault">Whether envelopes are sealed to this key when a call names no <c>recipient_key_id</c>.</param>
public sealed record RecipientKeyRegistration(string RecipientKeyId, string Algorithm, byte[] PublicKey, string? Label, string Status, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool IsDefault = false);
