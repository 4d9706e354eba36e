using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaSeal.Connectors.Tests.Okta.Conformance;

/// <summary>
/// A reader for the block-style YAML subset that OpenAPI generators emit (Okta's published documents): nested block
/// mappings and sequences, plain/single-/double-quoted scalars (also multi-line), block scalars (<c>|</c>, <c>|-</c>,
/// <c>|+</c>, <c>&gt;</c>, <c>&gt;-</c>) and the empty flow collections <c>{}</c> and <c>[]</c>. Anchors, tags and
/// non-empty flow collections are refused with an exception rather than misread.
/// </summary>
/// <remarks>
/// Why not a package: the test project's file belongs to another engineer and adding a package reference to it was
/// out of this change's scope; the subset here is checked against an independent YAML parser (PyYAML 6) on both Okta
/// documents (identical JSON trees) — see the test that pins the document's shape.
/// </remarks>
internal sealed class MiniYaml
{
    private readonly List<string> _lines;
    private int _index;

    private MiniYaml(string text)
    {
        _lines = [.. text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')];
    }

    public static JsonNode? Parse(string text)
    {
        var reader = new MiniYaml(text);
        reader.SkipBlank();
        return reader._index < reader._lines.Count ? reader.ParseNode(reader.Indent(reader._index)) : null;
    }

    private static int IndentOf(string line) => line.Length - line.TrimStart(' ').Length;

    private static bool IsBlank(string line)
    {
        var trimmed = line.TrimStart(' ');
        return trimmed.Length == 0 || trimmed[0] == '#';
    }

    private int Indent(int index) => IndentOf(_lines[index]);

    private void SkipBlank()
    {
        while (_index < _lines.Count && IsBlank(_lines[_index]))
        {
            _index++;
        }
    }

    private JsonNode? ParseNode(int indent)
    {
        SkipBlank();
        if (_index >= _lines.Count)
        {
            return null;
        }

        var content = _lines[_index][indent..];
        if (content == "-" || content.StartsWith("- ", StringComparison.Ordinal))
        {
            return ParseSequence(indent);
        }

        return FindKeySeparator(content) >= 0 ? ParseMapping(indent) : ParseScalarLine(indent, content);
    }

    private JsonArray ParseSequence(int indent)
    {
        var array = new JsonArray();
        while (true)
        {
            SkipBlank();
            if (_index >= _lines.Count || Indent(_index) != indent)
            {
                return array;
            }

            var line = _lines[_index];
            var content = line[indent..];
            if (content != "-" && !content.StartsWith("- ", StringComparison.Ordinal))
            {
                return array;
            }

            if (content.Trim() == "-")
            {
                _index++;
                SkipBlank();
                array.Add(_index < _lines.Count && Indent(_index) > indent ? ParseNode(Indent(_index)) : null);
                continue;
            }

            // "- item": the item starts two columns in; blank the dash so the item parses as a node at that column.
            var itemIndent = indent + 2 + IndentOf(content[2..]);
            _lines[_index] = new string(' ', itemIndent) + content[2..].TrimStart(' ');
            array.Add(ParseNode(itemIndent));
        }
    }

    private JsonObject ParseMapping(int indent)
    {
        var map = new JsonObject();
        while (true)
        {
            SkipBlank();
            if (_index >= _lines.Count || Indent(_index) != indent)
            {
                return map;
            }

            var content = _lines[_index][indent..];
            if (content.StartsWith("- ", StringComparison.Ordinal) || content == "-")
            {
                return map;
            }

            var separator = FindKeySeparator(content);
            if (separator < 0)
            {
                throw new FormatException($"YAML line {_index + 1}: expected 'key: value'.");
            }

            var key = Unquote(content[..separator].Trim());
            var rest = content[(separator + 1)..].Trim();
            _index++;
            JsonNode? value;
            if (rest.Length == 0 || rest[0] == '#')
            {
                SkipBlank();
                if (_index < _lines.Count && Indent(_index) > indent)
                {
                    value = ParseNode(Indent(_index));
                }
                else if (_index < _lines.Count && Indent(_index) == indent && (_lines[_index][indent..].StartsWith("- ", StringComparison.Ordinal) || _lines[_index][indent..] == "-"))
                {
                    value = ParseSequence(indent);
                }
                else
                {
                    value = null;
                }
            }
            else if (rest[0] is '|' or '>')
            {
                value = BlockScalar(indent, rest);
            }
            else
            {
                value = Scalar(rest, indent);
            }

            map[key] = value;
        }
    }

    private JsonNode? ParseScalarLine(int indent, string content)
    {
        _index++;
        if (content.Length > 0 && content[0] is '|' or '>')
        {
            return BlockScalar(indent - 1, content.Trim());
        }

        return Scalar(content.Trim(), indent - 1);
    }

    /// <summary>The ':' that ends a mapping key (followed by a space or the end of line, outside quotes), or -1.</summary>
    private static int FindKeySeparator(string content)
    {
        if (content.Length == 0)
        {
            return -1;
        }

        var start = 0;
        if (content[0] is '\'' or '"')
        {
            var quote = content[0];
            var i = 1;
            while (i < content.Length)
            {
                if (content[i] == quote)
                {
                    if (quote == '\'' && i + 1 < content.Length && content[i + 1] == '\'')
                    {
                        i += 2;
                        continue;
                    }

                    break;
                }

                i += content[i] == '\\' && quote == '"' ? 2 : 1;
            }

            start = i + 1;
            if (start >= content.Length || content[start] != ':')
            {
                return -1;
            }

            return start + 1 == content.Length || content[start + 1] == ' ' ? start : -1;
        }

        if (content[0] is '{' or '[')
        {
            return -1;
        }

        for (var i = start; i < content.Length; i++)
        {
            if (content[i] == ':' && (i + 1 == content.Length || content[i + 1] == ' '))
            {
                return i;
            }

            if (content[i] == ' ' && i + 1 < content.Length && content[i + 1] == '#')
            {
                return -1;
            }
        }

        return -1;
    }

    private JsonNode? BlockScalar(int parentIndent, string header)
    {
        var folded = header[0] == '>';
        var chomp = header.Length > 1 ? header[1] : ' ';
        var lines = new List<string>();
        var blockIndent = -1;
        while (_index < _lines.Count)
        {
            var line = _lines[_index];
            if (line.Trim().Length == 0)
            {
                lines.Add(blockIndent >= 0 && line.Length > blockIndent ? line[blockIndent..] : string.Empty);
                _index++;
                continue;
            }

            var indent = IndentOf(line);
            if (indent <= parentIndent)
            {
                break;
            }

            if (blockIndent < 0)
            {
                blockIndent = indent;
            }

            if (indent < blockIndent)
            {
                break;
            }

            lines.Add(line[blockIndent..]);
            _index++;
        }

        // Trailing blank lines belong to chomping, not to the content.
        var trailing = 0;
        while (lines.Count > 0 && lines[^1].Trim().Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
            trailing++;
        }

        string text;
        if (folded)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < lines.Count; i++)
            {
                if (i > 0)
                {
                    var previousMoreIndented = lines[i - 1].StartsWith(' ') || lines[i].StartsWith(' ');
                    builder.Append(lines[i].Length == 0 || lines[i - 1].Length == 0 || previousMoreIndented ? "\n" : " ");
                }

                builder.Append(lines[i]);
            }

            text = builder.ToString().Replace(" \n", "\n", StringComparison.Ordinal);
        }
        else
        {
            text = string.Join('\n', lines);
        }

        return chomp switch
        {
            '-' => text,
            '+' => text + "\n" + new string('\n', trailing),
            _ => lines.Count == 0 ? string.Empty : text + "\n",
        };
    }

    private JsonNode? Scalar(string text, int parentIndent)
    {
        if (text[0] is '\'' or '"')
        {
            // Quoted scalars may continue on the next lines (line breaks fold to spaces, blank lines to \n).
            var builder = new StringBuilder(text);
            while (!IsClosedQuote(builder.ToString()) && _index < _lines.Count)
            {
                var next = _lines[_index++].Trim();
                builder.Append(next.Length == 0 ? "\n" : (builder[^1] == '\n' ? string.Empty : " ") + next);
            }

            return Unquote(builder.ToString().Trim());
        }

        if (text is "{}")
        {
            return new JsonObject();
        }

        if (text is "[]")
        {
            return new JsonArray();
        }

        if (text[0] is '{' or '[' or '&' or '*' or '!')
        {
            throw new FormatException($"YAML line {_index}: flow collections, anchors and tags are not supported.");
        }

        // Plain scalars may continue on more-indented lines.
        var plain = new StringBuilder(StripComment(text));
        while (_index < _lines.Count && !IsBlank(_lines[_index]) && IndentOf(_lines[_index]) > parentIndent && FindKeySeparator(_lines[_index].TrimStart(' ')) < 0 && !_lines[_index].TrimStart(' ').StartsWith("- ", StringComparison.Ordinal))
        {
            plain.Append(' ').Append(_lines[_index++].Trim());
        }

        return Typed(plain.ToString());
    }

    private static string StripComment(string text)
    {
        var hash = text.IndexOf(" #", StringComparison.Ordinal);
        return hash >= 0 ? text[..hash].TrimEnd() : text;
    }

    private static bool IsClosedQuote(string text)
    {
        var quote = text[0];
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == quote)
            {
                if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i += 2;
                    continue;
                }

                return true;
            }

            i += text[i] == '\\' && quote == '"' ? 2 : 1;
        }

        return false;
    }

    private static JsonValue? Typed(string text)
    {
        switch (text)
        {
            case "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && !text.StartsWith('+') && (text.Length == 1 || text[0] != '0'))
        {
            return JsonValue.Create(integer);
        }

        if (text.Contains('.', StringComparison.Ordinal) && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number) && char.IsAsciiDigit(text[^1]))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    private static string Unquote(string text)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var builder = new StringBuilder();
            for (var i = 1; i < text.Length - 1; i++)
            {
                if (text[i] != '\\' || i + 1 >= text.Length - 1)
                {
                    builder.Append(text[i]);
                    continue;
                }

                var c = text[++i];
                switch (c)
                {
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    case 'r': builder.Append('\r'); break;
                    case '0': builder.Append('\0'); break;
                    case '/': builder.Append('/'); break;
                    case 'u' when i + 4 < text.Length:
                        builder.Append((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: builder.Append(c); break;
                }
            }

            return builder.ToString();
        }

        return text;
    }
}
