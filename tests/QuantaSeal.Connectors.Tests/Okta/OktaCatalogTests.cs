using System.Text;
using System.Text.Json;
using FsCheck.Xunit;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Tests.Catalog;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>The Okta catalog: descriptors, least scopes and payload validation that names the bad field.</summary>
public sealed class OktaCatalogTests
{
    private static readonly string[] KnownFields =
        ["search", "filter", "q", "limit", "after", "sortBy", "sortOrder", "user_id", "sendEmail", "profile", "activate", "credentials", "groupIds", "type", "since", "until", "email", "login", "firstName", "lastName", "password", "value"];

    [Fact]
    public void Catalog_ListsTheSevenSeedOperations_WithMethodsPathsAndScopes()
    {
        var byName = OktaCatalog.Operations.ToDictionary(o => o.Name);

        Assert.Equal(OktaHarness.AllOperations.Order(), byName.Keys.Order());
        Assert.Equal(("GET", "/api/v1/users", "okta.users.read"), (byName["list_users"].HttpMethod, byName["list_users"].PathTemplate, byName["list_users"].RequiredScopes.Single()));
        Assert.Equal(("POST", "/api/v1/users/{id}/lifecycle/deactivate", "okta.users.manage"), (byName["deactivate_user"].HttpMethod, byName["deactivate_user"].PathTemplate, byName["deactivate_user"].RequiredScopes.Single()));
        Assert.True(byName["create_user"].IsWrite && byName["deactivate_user"].IsWrite);
        Assert.All(OktaCatalog.Operations.Where(o => o.HttpMethod == "GET"), o => Assert.False(o.IsWrite));
        Assert.All(OktaCatalog.Operations, o => Assert.Equal("okta", o.SystemType));
    }

    [Fact]
    public void LeastScopes_AreTheUnionForTheAllowedOperations_IgnoringUnknownOnes()
    {
        Assert.Equal(["okta.groups.read", "okta.users.read"], OktaCatalog.LeastScopes(["list_users", "get_user", "list_groups", "nope"]));
        Assert.Empty(OktaCatalog.LeastScopes([]));
    }

    [Theory]
    [InlineData("list_users", """{"limit":0}""", "limit")]
    [InlineData("list_users", """{"limit":201}""", "limit")]
    [InlineData("list_users", """{"limit":2.5}""", "limit")]
    [InlineData("list_users", """{"limit":"10"}""", "limit")]
    [InlineData("list_users", """{"sortBy":"profile.lastName"}""", "sortBy")]
    [InlineData("list_users", """{"search":"x","sortBy":"id","sortOrder":"up"}""", "sortOrder")]
    [InlineData("list_users", """{"per_page":5}""", "per_page")]
    [InlineData("list_users", """{"q":""}""", "q")]
    [InlineData("list_groups", """{"limit":1001}""", "limit")]
    [InlineData("list_applications", """{"search":"x"}""", "search")]
    [InlineData("get_user", """{}""", "user_id")]
    [InlineData("get_user", """{"user_id":42}""", "user_id")]
    [InlineData("get_user", """{"user_id":"a/b"}""", "user_id")]
    [InlineData("get_user", """{"user_id":".."}""", "user_id")]
    [InlineData("deactivate_user", """{"user_id":"00u1","sendEmail":"yes"}""", "sendEmail")]
    [InlineData("create_user", """{}""", "profile")]
    [InlineData("create_user", """{"profile":[]}""", "profile")]
    [InlineData("create_user", """{"profile":{"login":"a@b.c","firstName":"A","lastName":"B"}}""", "profile.email")]
    [InlineData("create_user", """{"profile":{"email":"nope","login":"a@b.c","firstName":"A","lastName":"B"}}""", "profile.email")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","firstName":"A","lastName":"B"}}""", "profile.login")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","lastName":"B"}}""", "profile.firstName")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","firstName":"A"}}""", "profile.lastName")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","firstName":"A","lastName":"B"},"activate":"true"}""", "activate")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","firstName":"A","lastName":"B"},"credentials":{"token":{}}}""", "credentials.token")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","firstName":"A","lastName":"B"},"groupIds":"00g1"}""", "groupIds")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","firstName":"A","lastName":"B","nested":{"x":1}}}""", "profile.nested")]
    [InlineData("get_system_log", """{"since":"yesterday"}""", "since")]
    [InlineData("get_system_log", """{"since":"2026-02-01T00:00:00Z","until":"2026-01-01T00:00:00Z"}""", "until")]
    [InlineData("get_system_log", """{"sortOrder":"asc"}""", "sortOrder")]
    [InlineData("get_system_log", """{"limit":1001}""", "limit")]
    [InlineData("get_system_log", """{"q":"a b c d e f g h i j k"}""", "q")]
    public void Validate_RejectsBadPayloads_NamingTheField(string operation, string payload, string field)
    {
        var result = OktaCatalog.Validate(operation, OktaHarness.Json(payload));

        Assert.False(result.IsValid);
        Assert.Equal(field, result.Field);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Theory]
    [InlineData("list_users", null)]
    [InlineData("list_users", """{"filter":"status eq \"ACTIVE\"","limit":25,"search":"profile.department eq \"Engineering\""}""")]
    [InlineData("list_users", """{"search":"x","sortBy":"profile.lastName","sortOrder":"desc","after":"00u1","limit":200}""")]
    [InlineData("get_user", """{"user_id":"isaac.brock@example.com"}""")]
    [InlineData("create_user", """{"profile":{"email":"a@b.c","login":"a@b.c","firstName":"A","lastName":"B","mobilePhone":null,"tags":["x",1]},"activate":false,"credentials":{"password":{"value":"x"}},"groupIds":["00g1"],"type":{"id":"oty1"}}""")]
    [InlineData("deactivate_user", """{"user_id":"00u1","sendEmail":false}""")]
    [InlineData("list_groups", """{"q":"Eng","limit":1000}""")]
    [InlineData("list_applications", """{"filter":"status eq \"ACTIVE\"","limit":200}""")]
    [InlineData("get_system_log", """{"since":"2026-01-01T00:00:00Z","until":"2026-01-02T00:00:00.000Z","filter":"eventType eq \"user.session.start\"","q":"login okta","sortOrder":"DESCENDING","limit":1000}""")]
    public void Validate_AcceptsGoodPayloads(string operation, string? payload)
    {
        var result = OktaCatalog.Validate(operation, payload is null ? null : OktaHarness.Json(payload));

        Assert.True(result.IsValid, result.Field + ": " + result.Message);
        Assert.Equal(JsonValueKind.Object, result.Request!.Payload.ValueKind);
    }

    [Fact]
    public void Validate_UnknownOperationOrNonObject_IsInvalid()
    {
        Assert.Equal("operation", OktaCatalog.Validate("get_users", null).Field);
        Assert.Equal("payload", OktaCatalog.Validate("list_users", OktaHarness.Json("[1]")).Field);
        Assert.Equal("payload", OktaCatalog.Validate("list_users", OktaHarness.Json("\"x\"")).Field);
    }

    [Fact]
    public void Validate_TextThatIsNotValidUnicode_IsInvalid_NotAnException()
    {
        var result = OktaCatalog.Validate("list_users", OktaHarness.Json("""{"search":"\ud800"}"""));

        Assert.False(result.IsValid);
    }

    [Property(MaxTest = 500)]
    public bool Validate_NeverThrows_OnGeneratedObjects(string?[] names, string?[] texts, int[] numbers, bool[] flags, byte shape)
    {
        var json = BuildObject(names ?? [], texts ?? [], numbers ?? [], flags ?? [], shape, depth: 0);
        JsonElement element;
        try
        {
            element = OktaHarness.Json(json);
        }
        catch (JsonException)
        {
            return true;
        }

        foreach (var operation in OktaHarness.AllOperations.Append("unknown"))
        {
            _ = OktaCatalog.Validate(operation, element);
        }

        return true;
    }

    [Property(MaxTest = 300)]
    public bool Validate_NeverThrows_OnAnyJsonValue(int[] shape, string?[] strings, long[] numbers)
    {
        var value = new JsonShapes(shape ?? [], strings ?? [], numbers ?? [], KnownFields).AnyValue();
        var element = OktaHarness.Json(value?.ToJsonString() ?? "null");

        return OktaHarness.AllOperations.All(operation => OktaCatalog.Validate(operation, element) is not null);
    }

    private static string BuildObject(string?[] names, string?[] texts, int[] numbers, bool[] flags, byte shape, int depth)
    {
        var builder = new StringBuilder("{");
        var count = Math.Min(6, names.Length + (shape % 4));
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            var name = (shape + i) % 3 == 0 || i >= names.Length ? KnownFields[(shape + i) % KnownFields.Length] : names[i] ?? "n";
            builder.Append(JsonSerializer.Serialize(name)).Append(':');
            var pick = (shape >> (i % 8)) + i;
            builder.Append((pick % 7) switch
            {
                0 => texts.Length > 0 ? JsonSerializer.Serialize(texts[i % texts.Length]) : "\"\"",
                1 => numbers.Length > 0 ? numbers[i % numbers.Length].ToString(System.Globalization.CultureInfo.InvariantCulture) : "1e400",
                2 => flags.Length > 0 && flags[i % flags.Length] ? "true" : "false",
                3 => "null",
                4 when depth < 3 => BuildObject(names, texts, numbers, flags, (byte)(shape + 17), depth + 1),
                5 => "[" + string.Join(',', texts.Take(3).Select(t => JsonSerializer.Serialize(t))) + "]",
                _ => "-0.5e-3",
            });
        }

        return builder.Append('}').ToString();
    }
}
