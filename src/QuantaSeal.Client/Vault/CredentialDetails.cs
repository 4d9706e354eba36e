namespace QuantaSeal.Client.Vault;

/// <summary>Sealed credential metadata (never values).</summary>
/// <param name="CredentialId">Id (<c>cred_...</c>).</param>
/// <param name="CredentialType"><c>oauth2_client</c>, <c>api_key</c> or <c>private_key_jwt</c>.</param>
/// <param name="Name">Optional label.</param>
/// <param name="Fingerprint">Fingerprint of the sealed form (changes with every rotation).</param>
/// <param name="Version">Version, 1 at creation, +1 per rotation.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last rotation.</param>
/// <param name="UsedBy">Integrations using it.</param>
public sealed record CredentialDetails(string CredentialId, string CredentialType, string? Name, string Fingerprint, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> UsedBy);
