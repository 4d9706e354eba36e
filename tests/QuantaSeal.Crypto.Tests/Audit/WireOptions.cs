using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>The caller's serializer options an audit type's JSON must not depend on: its attributes define the wire form.</summary>
internal static class WireOptions
{
    public static TheoryData<string> Names => ["default", "web", "snake-case-nulls-omitted"];

    public static JsonSerializerOptions For(string name) => name switch
    {
        "default" => JsonSerializerOptions.Default,
        "web" => JsonSerializerOptions.Web,
        _ => new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        },
    };
}
