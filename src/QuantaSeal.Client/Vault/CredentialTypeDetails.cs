namespace QuantaSeal.Client.Vault;

/// <summary>A credential type of <c>GET /api/v2/vault/credential-types</c>.</summary>
/// <param name="CredentialType">Type name (<c>oauth2_client</c>, <c>api_key</c>, <c>private_key_jwt</c>).</param>
/// <param name="Description">What it is for.</param>
/// <param name="SystemTypes">Connectors that accept it.</param>
/// <param name="Fields">Its fields.</param>
public sealed record CredentialTypeDetails(string CredentialType, string Description, IReadOnlyList<string> SystemTypes, IReadOnlyList<CredentialFieldDetails> Fields);
