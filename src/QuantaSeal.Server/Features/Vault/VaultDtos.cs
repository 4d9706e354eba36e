using System.Text.Json;

namespace QuantaSeal.Server.Features.Vault;

/// <summary>POST /api/v2/vault/seal.</summary>
internal sealed record SealCredentialRequest(string? CredentialType, JsonElement Values, string? Name);

/// <summary>PUT /api/v2/vault/credentials/{id}.</summary>
internal sealed record RotateCredentialRequest(JsonElement Values);

/// <summary>POST /api/v2/vault/credentials/{id}/unseal.</summary>
internal sealed record UnsealCredentialRequest(string? RecipientKeyId);
