using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaSeal.Emulators.Okta;

/// <summary>
/// A small evaluator of Okta's SCIM-style <c>search</c>/<c>filter</c> expressions:
/// <c>attr (eq|ne|sw|co|gt|ge|lt|le) "value"</c>, <c>attr pr</c>, <c>and</c>, <c>or</c>, <c>not</c>-free, parentheses.
/// String comparison ignores case (Okta: operators and values are case-insensitive for search).
/// </summary>
internal static class OktaFilterExpression
{
    /// <summary>Parses an expression; throws <see cref="FormatException"/> when it is not one.</summary>
    public static Func<JsonNode, bool> Parse(string expression)
    {
        var tokens = Tokenize(expression);
        var position = 0;
        var predicate = ParseOr(tokens, ref position);
        if (position != tokens.Count)
        {
            throw new FormatException("Trailing tokens.");
        }

        return predicate;
    }

    private static Func<JsonNode, bool> ParseOr(List<Token> tokens, ref int position)
    {
        var left = ParseAnd(tokens, ref position);
        while (position < tokens.Count && tokens[position].IsWord("or"))
        {
            position++;
            var right = ParseAnd(tokens, ref position);
            var l = left;
            left = n => l(n) || right(n);
        }

        return left;
    }

    private static Func<JsonNode, bool> ParseAnd(List<Token> tokens, ref int position)
    {
        var left = ParseFactor(tokens, ref position);
        while (position < tokens.Count && tokens[position].IsWord("and"))
        {
            position++;
            var right = ParseFactor(tokens, ref position);
            var l = left;
            left = n => l(n) && right(n);
        }

        return left;
    }

    private static Func<JsonNode, bool> ParseFactor(List<Token> tokens, ref int position)
    {
        if (position >= tokens.Count)
        {
            throw new FormatException("Unexpected end.");
        }

        if (tokens[position].Text == "(" && !tokens[position].Quoted)
        {
            position++;
            var inner = ParseOr(tokens, ref position);
            if (position >= tokens.Count || tokens[position].Text != ")")
            {
                throw new FormatException("Missing ')'.");
            }

            position++;
            return inner;
        }

        var path = tokens[position++];
        if (path.Quoted || position >= tokens.Count)
        {
            throw new FormatException("Expected an attribute and an operator.");
        }

        var op = tokens[position++].Text.ToLowerInvariant();
        if (op == "pr")
        {
            return n => Resolve(n, path.Text) is { } v && v.GetValueKind() != JsonValueKind.Null;
        }

        if (op is not ("eq" or "ne" or "sw" or "co" or "gt" or "ge" or "lt" or "le") || position >= tokens.Count)
        {
            throw new FormatException("Unknown operator.");
        }

        var value = tokens[position++];
        var expected = value.Text;
        if (!value.Quoted && expected is not ("true" or "false" or "null") && !double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException("Values must be quoted strings, numbers, true, false or null.");
        }

        return n =>
        {
            var actual = Resolve(n, path.Text);
            var values = actual is JsonArray array ? array.Select(Text) : [Text(actual)];
            return values.Any(text => Compare(op, text, expected));
        };
    }

    private static bool Compare(string op, string? actual, string expected)
    {
        if (expected == "null")
        {
            return op == "eq" ? actual is null : op == "ne" && actual is not null;
        }

        if (actual is null)
        {
            return op == "ne";
        }

        var c = string.Compare(actual, expected, StringComparison.OrdinalIgnoreCase);
        return op switch
        {
            "eq" => c == 0,
            "ne" => c != 0,
            "sw" => actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase),
            "co" => actual.Contains(expected, StringComparison.OrdinalIgnoreCase),
            "gt" => c > 0,
            "ge" => c >= 0,
            "lt" => c < 0,
            _ => c <= 0,
        };
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        _ => node.ToJsonString(),
    };

    private static JsonNode? Resolve(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                tokens.Add(new Token(c.ToString(), false));
                i++;
            }
            else if (c == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("Unterminated string.");
                    }

                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        builder.Append(text[i + 1]);
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        builder.Append(text[i++]);
                    }
                }

                tokens.Add(new Token(builder.ToString(), true));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '"'))
                {
                    i++;
                }

                tokens.Add(new Token(text[start..i], false));
            }
        }

        return tokens;
    }

    private sealed record Token(string Text, bool Quoted)
    {
        public bool IsWord(string word) => !Quoted && Text.Equals(word, StringComparison.OrdinalIgnoreCase);
    }
}
