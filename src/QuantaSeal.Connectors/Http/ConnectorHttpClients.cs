namespace QuantaSeal.Connectors.Http;

/// <summary>
/// Names of the outbound HTTP clients registered by <see cref="ConnectorServiceCollectionExtensions.AddQuantaSealConnectors"/>.
/// Both go through the outbound host policy; they have separate resilience pipelines (one strategy per failure
/// domain): the management client never retries unsafe methods, the token client may retry its POST (a repeated
/// client-credentials request is harmless).
/// </summary>
public static class ConnectorHttpClients
{
    /// <summary>Management API calls (Auth0 <c>/api/v2</c>, Okta <c>/api/v1</c>).</summary>
    public const string Management = "qs.upstream.management";

    /// <summary>Token endpoint calls (<c>/oauth/token</c>, <c>/oauth2/v1/token</c>).</summary>
    public const string Token = "qs.upstream.token";

    /// <summary>
    /// Marks a request that must not be replayed by the resilience pipeline because it carries a single-use proof
    /// (a client assertion or a DPoP proof with a <c>jti</c> the server remembers): a replay would be refused as reuse.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SingleUse = new("qs.single-use");

    /// <summary>Largest upstream response body accepted (bytes).</summary>
    public const int MaxResponseBytes = 8 * 1024 * 1024;
}
