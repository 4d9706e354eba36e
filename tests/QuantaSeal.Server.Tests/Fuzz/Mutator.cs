using System.Text;
using System.Text.Json.Nodes;

namespace QuantaSeal.Server.Tests.Fuzz;

/// <summary>
/// Deterministic input mutation for the fuzz campaign: structure-aware mutations of valid JSON (a value of another
/// type, a member dropped, added or duplicated, hostile strings and numbers, deep nesting) and byte-level damage
/// (truncation, flipped bytes, invalid UTF-8, a BOM). The same seed gives the same inputs.
/// </summary>
internal sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] HostileStrings =
    [
        string.Empty, " ", "null", "\u0000", "\\", "\"", "'; DROP TABLE audit_events; --", "../../etc/passwd", "%00", "%2e%2e%2f",
        "\ud800", "\udfff", "\ud83d\ude00", "\u202e", "\ufeff", new string('a', 70_000), new string('é', 5_000), "http://169.254.169.254/latest",
        "cred_", "int_01JZZZZZZZZZZZZZZZZZZZZZZZ", "rk_!", "ak_01" + new string('Z', 200), "aud_", "ten_" + new string('0', 26),
        "{\"$ref\":\"#\"}", "1e309", "-0", "NaN", "Infinity", "\r\n\r\nX-Injected: 1", "<script>alert(1)</script>",
    ];

    private static readonly string[] HostileNumbers = ["0", "-1", "1e309", "-1e309", "9223372036854775808", "1.5", "1e-400", "123456789012345678901234567890"];

    public int Next(int max) => _random.Next(max);

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A mutation of <paramref name="json"/> (a valid JSON text, or null for "no body").</summary>
    public byte[]? MutateBody(string? json)
    {
        var choice = _random.Next(100);
        if (json is null || choice < 10)
        {
            return choice % 3 == 0 ? null : Encoding.UTF8.GetBytes(Pick(["{}", "[]", "null", "1", "\"x\"", "{", "", "{\"a\":1}{\"b\":2}"]));
        }

        var bytes = choice < 70
            ? Encoding.UTF8.GetBytes(MutateStructure(json))
            : Encoding.UTF8.GetBytes(json);
        return choice >= 55 ? MutateBytes(bytes) : bytes;
    }

    /// <summary>A structure-aware mutation: parse, change one to three things, write back.</summary>
    public string MutateStructure(string json)
    {
        var node = JsonNode.Parse(json);
        var rounds = 1 + _random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            node = MutateNode(node, depth: 0);
        }

        var text = node?.ToJsonString() ?? "null";
        if (_random.Next(10) == 0 && text.StartsWith('{'))
        {
            // A duplicated member (System.Text.Json never writes one): the same name again, first.
            var name = _random.Next(2) == 0 ? "name" : "credential_type";
            text = "{\"" + name + "\":1," + text[1..];
        }

        return text;
    }

    private JsonNode? MutateNode(JsonNode? node, int depth)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0 && _random.Next(3) > 0:
                {
                    var names = obj.Select(p => p.Key).ToList();
                    var name = Pick(names);
                    switch (_random.Next(5))
                    {
                        case 0:
                            obj.Remove(name);
                            break;
                        case 1:
                            obj[name] = RandomValue(depth + 1);
                            break;
                        case 2:
                            obj[RandomName()] = RandomValue(depth + 1);
                            break;
                        default:
                            obj[name] = MutateNode(obj[name]?.DeepClone(), depth + 1);
                            break;
                    }

                    return obj;
                }

            case JsonArray array when array.Count > 0 && _random.Next(2) == 0:
                {
                    var index = _random.Next(array.Count);
                    array[index] = MutateNode(array[index]?.DeepClone(), depth + 1);
                    if (_random.Next(4) == 0)
                    {
                        array.Add(RandomValue(depth + 1));
                    }

                    return array;
                }

            default:
                return RandomValue(depth);
        }
    }

    private string RandomName() => _random.Next(4) switch
    {
        0 => "__proto__",
        1 => "Name",
        2 => Pick(HostileStrings) is { Length: < 100 } s ? s : "long",
        _ => "extra_" + _random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private JsonNode? RandomValue(int depth) => _random.Next(depth > 3 ? 7 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonNode.Parse(Pick(HostileNumbers)),
        3 or 4 => JsonValue.Create(Pick(HostileStrings)),
        5 => JsonValue.Create(_random.NextInt64(long.MinValue, long.MaxValue)),
        6 => JsonValue.Create(new string((char)('a' + _random.Next(26)), _random.Next(1, 300))),
        7 => new JsonArray(RandomValue(depth + 1), RandomValue(depth + 1)),
        _ => Deep(_random.Next(2, 200)),
    };

    private static JsonNode Deep(int levels)
    {
        JsonNode node = new JsonObject { ["x"] = 1 };
        for (var i = 0; i < Math.Min(levels, 60); i++)
        {
            node = new JsonObject { ["d"] = node };
        }

        return node;
    }

    /// <summary>Byte-level damage.</summary>
    public byte[] MutateBytes(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return [0xFF];
        }

        return _random.Next(6) switch
        {
            0 => bytes[.._random.Next(bytes.Length)],
            1 => Flip(bytes),
            2 => [.. bytes[.._random.Next(bytes.Length)], 0xC3, 0x28, .. bytes[_random.Next(bytes.Length)..]],
            3 => [0xEF, 0xBB, 0xBF, .. bytes],
            4 => [.. bytes, .. bytes],
            _ => [.. bytes[.._random.Next(bytes.Length)], 0xF4, 0x90, 0x80, 0x80, .. bytes[_random.Next(bytes.Length)..]],
        };
    }

    private byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < 1 + _random.Next(4); i++)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    /// <summary>A mutation of an id in a route (other prefix, other length, encoded, unicode), or the id itself.</summary>
    public string MutateId(string id) => _random.Next(8) switch
    {
        0 => id[..Math.Max(1, _random.Next(id.Length))],
        1 => id + "Z",
        2 => id.ToLowerInvariant(),
        3 => Uri.EscapeDataString(Pick(HostileStrings) is { Length: < 200 } s ? s : "x"),
        4 => "%2e%2e",
        5 => id.Replace('_', '-'),
        6 => new string('A', 300),
        _ => id,
    };

    /// <summary>A query string of hostile filter values, or none.</summary>
    public string Query()
    {
        if (_random.Next(3) == 0)
        {
            return string.Empty;
        }

        var names = new[] { "limit", "cursor", "order", "from", "to", "action", "integration_id", "outcome", "after_seq" };
        var values = new[] { "-1", "0", "1001", "abc", "desc", "ASC", "2026-13-40T99:99:99Z", "9999-12-31T23:59:59Z", "%ZZ", "x%00y", new string('c', 5_000), "1e9", "aud_01JZZZZZZZZZZZZZZZZZZZZZZZ" };
        var parts = Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => $"{Pick(names)}={Uri.EscapeDataString(Pick(values))}");
        return "?" + string.Join('&', parts);
    }
}
