using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace QuantaSeal.Grains.Hosting.Serialization;

/// <summary>
/// Serializes grain state as plain JSON (System.Text.Json) for every QuantaSeal storage provider.
/// </summary>
/// <remarks>
/// <para>Orleans' default grain-state serializer embeds .NET type names (<c>$type</c>), so renaming or moving a
/// state class orphans every stored row. This one writes only data: the stored JSON is bound to the member names
/// of the state class (snake_case), never to its type name or namespace.</para>
/// <para>Rules for state classes, in the spirit of the Orleans versioning guidelines (STYLE 2.9):</para>
/// <list type="bullet">
/// <item>Renaming or moving a class is free. Renaming a member is not: keep the stored name with
/// <c>[JsonPropertyName("old_name")]</c>.</item>
/// <item>New members need safe defaults: a member missing from stored JSON keeps its initializer or default value.
/// Members in the JSON that the class no longer has are ignored, so a rollback can read newer state.</item>
/// <item>Enums are stored by name (snake_case) and may be read from numbers; never rename an enum member that
/// is persisted without <c>[JsonStringEnumMemberName]</c>.</item>
/// <item>Polymorphic members need explicit <c>[JsonDerivedType(typeof(X), "discriminator")]</c>; there is no
/// implicit type information.</item>
/// <item>Dictionary keys are data and are stored as-is, not snake_cased.</item>
/// </list>
/// <para>The PostgreSQL store keeps the JSON in a jsonb column, which does not preserve key order; the options
/// therefore accept metadata properties (polymorphic discriminators) in any position.</para>
/// </remarks>
internal sealed class QuantaSealGrainStateSerializer : IGrainStorageSerializer
{
    /// <summary>The options every QuantaSeal grain state is written and read with (read-only).</summary>
    internal static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <inheritdoc/>
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    /// <inheritdoc/>
    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            AllowOutOfOrderMetadataProperties = true,
            // Public fields are state too; without this they would be dropped silently.
            IncludeFields = true,
            // Tolerant reads: stored JSON predates today's nullability and required-parameter annotations.
            RespectNullableAnnotations = false,
            RespectRequiredConstructorParameters = false,
            NumberHandling = JsonNumberHandling.Strict,
            ReferenceHandler = null,
            WriteIndented = false,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: true) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
