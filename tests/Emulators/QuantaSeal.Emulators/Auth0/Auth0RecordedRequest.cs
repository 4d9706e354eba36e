namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// One request the emulator received, recorded before any fault, latency or authorization is applied, so a test can
/// assert what reached "Auth0" (or that nothing did).
/// </summary>
/// <param name="Sequence">Arrival order, from 1.</param>
/// <param name="ReceivedAt">Arrival time on the emulator's clock.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">The path exactly as sent (still escaped: <c>/api/v2/users/auth0%7C123</c>).</param>
/// <param name="Query">The query string as sent, without <c>?</c> (empty when none).</param>
/// <param name="TokenId">The <c>jti</c> of the bearer token presented (read without validation), or null.</param>
/// <param name="BodyMembers">Top-level member names of a management request's JSON body (values are not kept).</param>
public sealed record Auth0RecordedRequest(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string Method,
    string Path,
    string Query,
    string? TokenId,
    IReadOnlyList<string> BodyMembers)
{
    /// <summary>Whether this is a token request (<c>POST /oauth/token</c>).</summary>
    public bool IsTokenRequest => string.Equals(Path, "/oauth/token", StringComparison.Ordinal);

    /// <summary>Whether this is a Management API request.</summary>
    public bool IsManagementRequest => Path.StartsWith("/api/v2/", StringComparison.Ordinal);

    /// <summary>The query parameters, unescaped, in order (repeated names repeat).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> QueryParameters =>
        [.. Query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? new KeyValuePair<string, string>(Uri.UnescapeDataString(pair), string.Empty)
                : new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')));
        })];
}
