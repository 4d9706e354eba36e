namespace QuantaSeal.Emulators.Okta;

/// <summary>One request the emulator saw (test assertions only; it holds request bodies, so it is never logged).</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path exactly as sent (the raw request target, still escaped).</param>
/// <param name="Query">Raw query string including the leading '?', or empty.</param>
/// <param name="AuthScheme">Authorization scheme (SSWS, Bearer, DPoP, Basic) or null when none was sent.</param>
/// <param name="HasDpopProof">Whether a DPoP header was sent.</param>
/// <param name="Body">The request body for requests that have one (JSON or form), else null.</param>
public sealed record OktaRecordedRequest(string Method, string Path, string Query, string? AuthScheme, bool HasDpopProof, string? Body)
{
    /// <summary>Whether this was a token endpoint call.</summary>
    public bool IsTokenRequest => Path.StartsWith("/oauth2/", StringComparison.Ordinal);

    /// <summary>The query parameter names, unescaped.</summary>
    public IReadOnlyList<string> QueryNames => [.. Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=')[0]))];
}
