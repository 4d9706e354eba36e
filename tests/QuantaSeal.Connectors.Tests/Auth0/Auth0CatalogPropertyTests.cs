using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Tests.Catalog;

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
    public void Validate_NeverThrows_ForAnyJsonValue(NonNegativeInt operation, int[] shape, string?[] strings, long[] numbers)
    {
        var name = Operations[operation.Get % Operations.Length];
        var value = Shapes(name, shape, strings, numbers).AnyValue();
        using var document = JsonDocument.Parse(value?.ToJsonString() ?? "null");

        AssertWellFormed(Auth0Catalog.Validate(name, document.RootElement));
    }

    [Property(MaxTest = 2000)]
    public void Validate_NeverThrows_ForPayloadsBuiltFromRealFieldNames(NonNegativeInt operation, int[] shape, string?[] strings, long[] numbers)
    {
        var name = Operations[operation.Get % Operations.Length];
        using var document = JsonDocument.Parse(Shapes(name, shape, strings, numbers).Object().ToJsonString());

        var result = Auth0Catalog.Validate(name, document.RootElement);

        AssertWellFormed(result);
        if (result.IsValid && Auth0Operations.ByName.TryGetValue(name, out var definition))
        {
            using var request = Auth0RequestBuilder.Build(BaseUri, definition, result.Request!.Payload);
            Assert.Equal(BaseUri.Authority, request.RequestUri!.Authority);
            Assert.StartsWith("/api/v2/", request.RequestUri.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(definition.Method, request.Method);
        }
    }

    private static void AssertWellFormed(PayloadValidationResult result)
    {
        if (result.IsValid)
        {
            Assert.Equal(JsonValueKind.Object, result.Request!.Payload.ValueKind);
            Assert.Null(result.Message);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(result.Field));
            Assert.False(string.IsNullOrEmpty(result.Message));
        }
    }

    /// <summary>JSON built from the inputs, its member names mostly the operation's own fields.</summary>
    private static JsonShapes Shapes(string operation, int[]? shape, string?[]? strings, long[]? numbers)
    {
        string[] names = Auth0Operations.ByName.TryGetValue(operation, out var definition)
            ? [.. definition.Fields.SelectMany(f => f.Members is null ? [f.Name] : f.Members.Select(m => m.Name).Append(f.Name))]
            : ["page"];
        return new JsonShapes(shape ?? [], strings ?? [], numbers ?? [], names);
    }
}
