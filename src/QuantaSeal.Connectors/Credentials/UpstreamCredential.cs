namespace QuantaSeal.Connectors.Credentials;

/// <summary>
/// Plaintext upstream credentials, as unsealed from the vault inside a silo. Never logged, never serialised:
/// <see cref="ToString"/> names only the type and the non-secret id.
/// </summary>
public abstract record UpstreamCredential
{
    /// <summary>The credential type as stored in the vault (<c>oauth2_client</c>, <c>api_key</c>, <c>private_key_jwt</c>).</summary>
    public abstract string CredentialType { get; }

    /// <inheritdoc/>
    public sealed override string ToString() => $"{GetType().Name} {{ {CredentialType} }}";
}

/// <summary>OAuth 2.0 client credentials with a client secret (Auth0 M2M; Okta where allowed).</summary>
/// <param name="ClientId">Client id.</param>
/// <param name="ClientSecret">Client secret.</param>
/// <param name="Audience">Auth0 audience; defaults to <c>https://{domain}/api/v2/</c>.</param>
/// <param name="Scopes">Scopes to request; null = derive from the allowed operations.</param>
public sealed record OAuth2ClientSecretCredential(string ClientId, string ClientSecret, string? Audience, IReadOnlyList<string>? Scopes) : UpstreamCredential
{
    /// <inheritdoc/>
    public override string CredentialType => "oauth2_client";
}

/// <summary>An Okta API token, sent as <c>Authorization: SSWS {token}</c>.</summary>
/// <param name="ApiToken">The token.</param>
public sealed record ApiTokenCredential(string ApiToken) : UpstreamCredential
{
    /// <inheritdoc/>
    public override string CredentialType => "api_key";
}

/// <summary>An OAuth 2.0 service app authenticating with a signed client assertion (Okta service apps).</summary>
/// <param name="ClientId">Client id.</param>
/// <param name="PrivateKey">The private key, PEM (PKCS#8 or PKCS#1, RSA or EC) or a private JWK.</param>
/// <param name="KeyId">The <c>kid</c> to put in the assertion header, if the app has several keys.</param>
/// <param name="Scopes">Scopes to request; null = derive from the allowed operations.</param>
public sealed record PrivateKeyJwtCredential(string ClientId, string PrivateKey, string? KeyId, IReadOnlyList<string>? Scopes) : UpstreamCredential
{
    /// <inheritdoc/>
    public override string CredentialType => "private_key_jwt";
}
