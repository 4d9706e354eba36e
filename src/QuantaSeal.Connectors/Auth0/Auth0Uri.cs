using System.Text;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// The one place Auth0 request URIs are built. Caller input only ever becomes an escaped path segment or an escaped
/// query value; the host, scheme and port come from the <see cref="Http.ConnectorTarget"/> alone.
/// </summary>
internal static class Auth0Uri
{
    /// <summary>
    /// Joins <paramref name="baseUri"/> (scheme, host, port, path <c>/</c>), the path template with each
    /// <c>{name}</c> replaced by the escaped value, and the escaped query.
    /// </summary>
    /// <exception cref="ArgumentException">The base URI has a path, query or fragment, or a placeholder has no value.</exception>
    /// <exception cref="InvalidOperationException">The built URI left the base authority or was rewritten (dot segments).</exception>
    public static Uri Build(Uri baseUri, string pathTemplate, IReadOnlyDictionary<string, string> pathValues, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(pathTemplate);
        ArgumentNullException.ThrowIfNull(pathValues);
        ArgumentNullException.ThrowIfNull(query);
        if (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("http" or "https") || baseUri.AbsolutePath != "/"
            || baseUri.Query.Length != 0 || baseUri.Fragment.Length != 0 || baseUri.UserInfo.Length != 0)
        {
            throw new ArgumentException("The base URI must be scheme, host and port only.", nameof(baseUri));
        }

        var path = new StringBuilder();
        foreach (var segment in pathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path.Append('/');
            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                var name = segment[1..^1];
                if (!pathValues.TryGetValue(name, out var value) || value.Length == 0)
                {
                    throw new ArgumentException($"No value for the path placeholder '{name}'.", nameof(pathValues));
                }

                path.Append(EscapeSegment(value));
            }
            else
            {
                path.Append(segment);
            }
        }

        var escapedPath = path.ToString();
        var text = new StringBuilder(escapedPath);
        for (var i = 0; i < query.Count; i++)
        {
            text.Append(i == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(query[i].Key))
                .Append('=')
                .Append(Uri.EscapeDataString(query[i].Value));
        }

        var uri = new Uri(baseUri, text.ToString());

        // System.Uri unescapes %2E and removes dot segments; the validator refuses "." and ".." ids, and this check
        // catches anything else that would make the request land on another path or host than the one built here.
        if (!string.Equals(uri.Scheme, baseUri.Scheme, StringComparison.Ordinal)
            || !string.Equals(uri.Authority, baseUri.Authority, StringComparison.Ordinal)
            || !string.Equals(uri.AbsolutePath, escapedPath, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The upstream URI did not keep the path it was built with.");
        }

        return uri;
    }

    /// <summary>Escapes one path segment (<c>auth0|123</c> → <c>auth0%7C123</c>; <c>/</c> → <c>%2F</c>).</summary>
    public static string EscapeSegment(string value) => Uri.EscapeDataString(value);
}
