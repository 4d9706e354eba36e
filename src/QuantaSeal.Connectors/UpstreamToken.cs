namespace QuantaSeal.Connectors;

/// <summary>
/// An upstream access token (or API token) and how to present it. <see cref="ToString"/> never prints the token.
/// </summary>
/// <param name="AccessToken">The token value.</param>
/// <param name="Scheme">Authorization scheme: <c>Bearer</c>, <c>DPoP</c> or <c>SSWS</c>.</param>
/// <param name="ExpiresAt">Expiry (<see cref="DateTimeOffset.MaxValue"/> for API tokens).</param>
/// <param name="GrantedScopes">Scopes the authorization server granted.</param>
/// <param name="DpopKey">The DPoP proof key bound to the token (JWK private key, JSON), when <see cref="Scheme"/> is DPoP.</param>
public sealed record UpstreamToken(string AccessToken, string Scheme, DateTimeOffset ExpiresAt, IReadOnlyList<string> GrantedScopes, string? DpopKey = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"UpstreamToken {{ Scheme = {Scheme}, ExpiresAt = {ExpiresAt:O}, Scopes = {string.Join(' ', GrantedScopes)} }}";
}
