using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>Auth0's list mechanics: <c>fields</c>/<c>include_fields</c> projection, <c>sort</c>, offset pages and the <c>include_totals</c> wrapper.</summary>
internal static class Auth0Listing
{
    /// <summary>Keeps (or drops, when <paramref name="include"/> is false) the comma-separated <paramref name="fields"/>.</summary>
    public static JsonObject Project(JsonObject item, string? fields, bool include)
    {
        if (string.IsNullOrEmpty(fields))
        {
            return item;
        }

        var names = fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var result = new JsonObject();
        foreach (var (name, value) in item)
        {
            if (names.Contains(name) == include)
            {
                result[name] = value?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>Sorts by <c>field:1</c> or <c>field:-1</c>; false for a malformed spec.</summary>
    public static bool TrySort(List<JsonObject> items, string? sort)
    {
        if (string.IsNullOrEmpty(sort))
        {
            return true;
        }

        var colon = sort.LastIndexOf(':');
        if (colon <= 0 || sort[(colon + 1)..] is not ("1" or "-1"))
        {
            return false;
        }

        var field = sort[..colon];
        var descending = sort.EndsWith("-1", StringComparison.Ordinal);
        items.Sort((a, b) =>
        {
            var order = Compare(a[field], b[field]);
            return descending ? -order : order;
        });
        return true;
    }

    /// <summary>
    /// One offset page: the bare array, or with <paramref name="totals"/> the spec's wrapper
    /// <c>{start, limit, [length,] total, list}</c>.
    /// </summary>
    public static JsonNode Page(List<JsonObject> items, int page, int perPage, bool totals, string listName, bool withLength, Func<JsonObject, JsonObject>? project = null)
    {
        var start = (long)page * perPage;
        var slice = items.Skip((int)Math.Min(start, int.MaxValue)).Take(perPage).Select(i => (JsonNode?)(project?.Invoke(i) ?? i)).ToArray();
        var array = new JsonArray(slice);
        if (!totals)
        {
            return array;
        }

        var wrapper = new JsonObject
        {
            ["start"] = start,
            ["limit"] = perPage,
        };
        if (withLength)
        {
            wrapper["length"] = slice.Length;
        }

        wrapper["total"] = items.Count;
        wrapper[listName] = array;
        return wrapper;
    }

    private static int Compare(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        }

        if (a is JsonValue va && b is JsonValue vb
            && va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number)
        {
            return double.Parse(va.ToJsonString(), CultureInfo.InvariantCulture).CompareTo(double.Parse(vb.ToJsonString(), CultureInfo.InvariantCulture));
        }

        return string.CompareOrdinal(a.ToJsonString(), b.ToJsonString());
    }
}
