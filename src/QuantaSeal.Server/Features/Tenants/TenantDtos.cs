using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Server.Features.Tenants;

/// <summary>POST /api/v2/tenants.</summary>
internal sealed record CreateTenantRequest(string? Name, string? ApiKeyEnvironment);

/// <summary>POST /api/v2/tenant/recipient-keys: the key, and the proof of possession for a challenge.</summary>
internal sealed record RegisterRecipientKeyRequest(byte[]? PublicKey, string? Label, string? ChallengeId, byte[]? Proof);

/// <summary>POST /api/v2/tenant/recipient-keys/challenges.</summary>
internal sealed record RecipientKeyChallengeRequest(byte[]? PublicKey);

/// <summary>PUT /api/v2/tenant/recipient-keys/default.</summary>
internal sealed record DefaultRecipientKeyRequest(string? RecipientKeyId);

/// <summary>POST /api/v2/tenants/{tenantId}/recovery-admin-key (operator).</summary>
internal sealed record RecoverAdminKeyRequest(string? Name, string? Environment);

/// <summary>POST /api/v2/tenant/signing-keys/rotate.</summary>
internal sealed record RotateSigningKeyRequest(bool? RotateHmacKey);

/// <summary>POST /api/v2/tenant/api-keys.</summary>
internal sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, string? Environment);

/// <summary>The answer to tenant creation; its secrets are never shown again.</summary>
internal sealed record TenantCreatedResponse(
    string TenantId,
    string Name,
    DateTimeOffset CreatedAt,
    string ApiKey,
    string ApiKeyId,
    IReadOnlyList<string> ApiKeyScopes,
    byte[] HmacKey,
    SigningKeyInfo SigningKey);

/// <summary>The answer to API key creation; <see cref="ApiKey"/> is never shown again.</summary>
internal sealed record ApiKeyCreatedResponse(
    string ApiKeyId,
    string ApiKey,
    string Name,
    IReadOnlyList<string> Scopes,
    string Environment,
    DateTimeOffset CreatedAt);

/// <summary>The answer to a signing key rotation; <see cref="HmacKey"/> (when rotated) is never shown again.</summary>
internal sealed record SigningKeyRotatedResponse(SigningKeyInfo SigningKey, SigningKeyInfo RetiredKey, byte[]? HmacKey);

/// <summary>A list wrapper, so lists can grow paging fields without a breaking change.</summary>
internal sealed record ListResponse<T>(IReadOnlyList<T> Data);
