using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Xunit;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// Validation never throws, whatever JSON it gets; and whatever it accepts, the connector can turn into a request
/// that stays on the target host under <c>/api/v2/</c>.
/// </summary>
public sealed class Auth0CatalogPropertyTests
{
    private static readonly Uri BaseUri = new("https://acme.us.auth0.com/");
    private static readonly string[] Operations = [.. Auth0Operations.All.Select(o => o.Name), "unknown_op", string.Empty];

    [Property(MaxTest = 500)]
    public void Validate_NeverThrows_ForAnyJsonText(NonNegativeInt operation, string? text)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(text ?? "null");
        }
        catch (JsonException)
        {
            return;
        }

        using (document)
        {
            var result = Auth0Catalog.Validate(Operations[operation.Get % Operations.Length], document.RootElement);

            AssertWellFormed(result);
        }
    }

    [Property(MaxTest = 2000)]
    public void Validate_NeverThrows_ForPayloadsBuiltFromRealFieldNames(NonNegativeInt operation, int[] shape, string?[] strings, long[] numbers)
    {
        var name = Operations[operation.Get % Operations.Length];
        string json;
        try
        {
            json = Build(name, shape ?? [], strings ?? [], numbers ?? []).ToJsonString();
        }
        catch (ArgumentException)
        {
            // The generator produced a string that is not valid UTF-16 (a lone surrogate): no JSON to test.
            return;
        }

        using var document = JsonDocument.Parse(json);

        var result = Auth0Catalog.Validate(name, document.RootElement);

        AssertWellFormed(result);
        if (result.IsValid && Auth0Operations.ByName.TryGetValue(name, out var definition))
        {
            using var request = Auth0RequestBuilder.Build(BaseUri, definition, result.Payload!.Value);
            Assert.Equal(BaseUri.Authority, request.RequestUri!.Authority);
            Assert.StartsWith("/api/v2/", request.RequestUri.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(definition.Method, request.Method);
        }
    }

    private static void AssertWellFormed(PayloadValidationResult result)
    {
        if (result.IsValid)
        {
            Assert.Equal(JsonValueKind.Object, result.Payload!.Value.ValueKind);
            Assert.Null(result.Message);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(result.Field));
            Assert.False(string.IsNullOrEmpty(result.Message));
        }
    }

    /// <summary>An object whose members mostly carry the operation's own field names, with values of every JSON kind.</summary>
    private static JsonObject Build(string operation, int[] shape, string?[] strings, long[] numbers)
    {
        var names = Auth0Operations.ByName.TryGetValue(operation, out var definition)
            ? definition.Fields.SelectMany(f => f.Members is null ? [f.Name] : f.Members.Select(m => m.Name).Append(f.Name)).ToArray()
            : ["page"];
        var obj = new JsonObject();
        var cursor = 0;
        int Next() => shape.Length == 0 ? 0 : Math.Abs(shape[cursor++ % shape.Length] % 1000);
        string Text() => strings.Length == 0 ? "auth0|1" : strings[Next() % strings.Length] ?? string.Empty;
        long Number() => numbers.Length == 0 ? 0 : numbers[Next() % numbers.Length];

        JsonNode? Value(int depth) => (Next() % 12) switch
        {
            0 => JsonValue.Create(Text()),
            1 => JsonValue.Create(Number()),
            2 => JsonValue.Create(Next() % 2 == 0),
            3 => null,
            4 => JsonValue.Create(Number() / 3.0),
            5 when depth < 3 => new JsonArray([.. Enumerable.Range(0, Next() % 4).Select(_ => Value(depth + 1))]),
            6 when depth < 3 => Nested(depth + 1),
            7 => JsonValue.Create(Next() % 101),
            8 => JsonValue.Create("user" + Next() + "@example.com"),
            9 => JsonValue.Create(names[Next() % names.Length] + ":" + (Next() % 2 == 0 ? "1" : "-1")),
            10 => new JsonArray(JsonValue.Create(Text()), JsonValue.Create("urn:x")),
            _ => JsonValue.Create(string.Empty),
        };

        JsonObject Nested(int depth)
        {
            var nested = new JsonObject();
            for (var i = Next() % 4; i > 0; i--)
            {
                nested[names[Next() % names.Length]] = Value(depth);
            }

            return nested;
        }

        var count = Next() % 6;
        for (var i = 0; i < count; i++)
        {
            var key = Next() % 10 == 0 ? Text() : names[Next() % names.Length];
            obj[key] = Value(0);
        }

        return obj;
    }
}
