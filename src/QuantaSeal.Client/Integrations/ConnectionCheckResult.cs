namespace QuantaSeal.Client.Integrations;

/// <summary>The result of <c>POST /api/v2/integrations/{id}/check</c>.</summary>
/// <param name="Ok">Whether a token was obtained.</param>
/// <param name="GrantedScopes">The scopes the upstream granted.</param>
/// <param name="TokenExpiresAt">When the token expires (null for Okta API tokens, which do not).</param>
/// <param name="ErrorType">Why not (e.g. <c>upstream_credential_rejected</c>), when <paramref name="Ok"/> is false.</param>
/// <param name="ErrorMessage">The upstream's reason in words, when <paramref name="Ok"/> is false.</param>
/// <param name="MissingScopes">Scopes the allowed operations need that were not granted.</param>
public sealed record ConnectionCheckResult(bool Ok, IReadOnlyList<string> GrantedScopes, DateTimeOffset? TokenExpiresAt, string? ErrorType, string? ErrorMessage, IReadOnlyList<string> MissingScopes);
