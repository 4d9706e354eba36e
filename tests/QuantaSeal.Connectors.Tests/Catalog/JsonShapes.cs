using System.Text;
using System.Text.Json.Nodes;

namespace QuantaSeal.Connectors.Tests.Catalog;

/// <summary>
/// Builds a JSON value of any kind from FsCheck's primitive inputs, so a property about payload validation always
/// reaches the validator (random strings are almost never JSON, and a property fed them tests the parser instead).
/// <paramref name="names"/> are member names to prefer (the operation's own fields), mixed with generated ones.
/// </summary>
internal sealed class JsonShapes(int[] shape, string?[] strings, long[] numbers, IReadOnlyList<string> names)
{
    private int _cursor;

    /// <summary>Any JSON value: the root may be an object, an array, a string, a number, a boolean or null.</summary>
    public JsonNode? AnyValue() => Value(0, rootKinds: true);

    /// <summary>An object whose members mostly carry <paramref name="names"/>, with values of every JSON kind.</summary>
    public JsonObject Object() => Object(0);

    private JsonNode? Value(int depth, bool rootKinds = false) => (Next() % (rootKinds ? 8 : 12)) switch
    {
        0 => JsonValue.Create(Text()),
        1 => JsonValue.Create(Number()),
        2 => JsonValue.Create(Next() % 2 == 0),
        3 => null,
        4 => JsonValue.Create(Number() / 3.0),
        5 when depth < 3 => new JsonArray([.. Enumerable.Range(0, Next() % 4).Select(_ => Value(depth + 1))]),
        6 or 7 when depth < 3 => Object(depth + 1),
        7 => JsonValue.Create(Next() % 101),
        8 => JsonValue.Create("user" + Next() + "@example.com"),
        9 => JsonValue.Create(Name() + ":" + (Next() % 2 == 0 ? "1" : "-1")),
        10 => new JsonArray(JsonValue.Create(Text()), JsonValue.Create("urn:x")),
        _ => JsonValue.Create(string.Empty),
    };

    private JsonObject Object(int depth)
    {
        var obj = new JsonObject();
        for (var i = Next() % 6; i > 0; i--)
        {
            obj[Next() % 10 == 0 ? Text() : Name()] = Value(depth);
        }

        return obj;
    }

    private int Next() => shape.Length == 0 ? 0 : Math.Abs(shape[_cursor++ % shape.Length] % 1000);

    private string Name() => names.Count == 0 ? Text() : names[Next() % names.Count];

    private long Number() => numbers.Length == 0 ? 0 : numbers[Next() % numbers.Length];

    /// <summary>A generated string; a lone surrogate becomes U+FFFD (EnumerateRunes), as JSON text cannot carry one.</summary>
    private string Text()
    {
        var text = strings.Length == 0 ? "auth0|1" : strings[Next() % strings.Length] ?? string.Empty;
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }
}
