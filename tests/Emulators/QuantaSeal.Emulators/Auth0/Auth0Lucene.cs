using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// The subset of Auth0's Lucene query syntax the emulator understands: <c>field:value</c> terms (dotted fields reach
/// into objects and arrays, <c>"quoted values"</c> match exactly, <c>*</c> is a wildcard, matching ignores case),
/// joined by whitespace or <c>AND</c>, and alternatives joined by <c>OR</c> (AND binds tighter). Anything else is an
/// invalid query, as it would be for a query Auth0 cannot parse.
/// </summary>
internal static class Auth0Lucene
{
    public static bool TryParse(string query, out Func<JsonObject, bool> predicate, out string? error)
    {
        predicate = _ => true;
        error = null;
        var tokens = Tokenize(query);
        if (tokens is null || tokens.Count == 0)
        {
            error = "Invalid query: unbalanced quotes or empty query.";
            return false;
        }

        var alternatives = new List<List<(string Field, string Value, bool Exact)>> { new() };
        foreach (var token in tokens)
        {
            if (token == "AND")
            {
                continue;
            }

            if (token == "OR")
            {
                alternatives.Add([]);
                continue;
            }

            var colon = token.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == token.Length - 1)
            {
                error = "Invalid query: expected field:value terms.";
                return false;
            }

            var value = token[(colon + 1)..];
            var exact = value.Length >= 2 && value[0] == '"' && value[^1] == '"';
            alternatives[^1].Add((token[..colon], exact ? value[1..^1] : value, exact));
        }

        if (alternatives.Exists(a => a.Count == 0))
        {
            error = "Invalid query: OR needs a term on each side.";
            return false;
        }

        predicate = item => alternatives.Exists(all => all.TrueForAll(term => Matches(item, term.Field, term.Value, term.Exact)));
        return true;
    }

    private static bool Matches(JsonObject item, string field, string pattern, bool exact)
    {
        foreach (var value in Values(item, field.Split('.')))
        {
            if (exact ? string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase) : Glob(value, pattern))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every scalar at the dotted path (arrays fan out).</summary>
    private static IEnumerable<string> Values(JsonNode? node, ReadOnlyMemory<string> path)
    {
        if (node is JsonArray array)
        {
            foreach (var element in array)
            {
                foreach (var v in Values(element, path))
                {
                    yield return v;
                }
            }

            yield break;
        }

        if (path.IsEmpty)
        {
            if (node is JsonValue scalar)
            {
                yield return scalar.GetValueKind() switch
                {
                    JsonValueKind.String => scalar.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => scalar.ToJsonString(),
                };
            }

            yield break;
        }

        if (node is JsonObject obj && obj.TryGetPropertyValue(path.Span[0], out var child))
        {
            foreach (var v in Values(child, path[1..]))
            {
                yield return v;
            }
        }
    }

    private static bool Glob(string value, string pattern)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase);
        }

        var position = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                continue;
            }

            if (i == 0)
            {
                if (!value.StartsWith(part, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                position = part.Length;
                continue;
            }

            if (i == parts.Length - 1)
            {
                return value.Length - part.Length >= position && value.EndsWith(part, StringComparison.OrdinalIgnoreCase);
            }

            var found = value.IndexOf(part, position, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            position = found + part.Length;
        }

        return true;
    }

    private static List<string>? Tokenize(string query)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in query)
        {
            if (c == '"')
            {
                quoted = !quoted;
                current.Append(c);
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
