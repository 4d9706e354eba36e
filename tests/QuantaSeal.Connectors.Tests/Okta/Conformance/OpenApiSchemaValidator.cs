using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QuantaSeal.Connectors.Tests.Okta.Conformance;

/// <summary>
/// Validates JSON against OpenAPI 3.0 schema objects: <c>$ref</c>, <c>type</c> with <c>nullable</c>, <c>enum</c>,
/// <c>properties</c>/<c>required</c>/<c>additionalProperties</c>, <c>items</c>, <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>,
/// <c>discriminator</c> mappings, string and number bounds, <c>pattern</c> and the <c>date-time</c> format; unknown
/// formats and vendor extensions are ignored, as OpenAPI says.
/// </summary>
/// <remarks>
/// Why not JsonSchema.Net: OpenAPI 3.0 schemas are not JSON Schema (<c>nullable</c>, <c>discriminator</c>, boolean
/// <c>exclusiveMinimum</c>, refs into the document's components), so they would need translating first; the subset the
/// Okta documents use is small enough to check directly, with errors that point at the instance path.
/// </remarks>
internal sealed partial class OpenApiSchemaValidator(OpenApiDocument document)
{
    public List<string> Validate(JsonNode? instance, JsonNode schema)
    {
        var errors = new List<string>();
        Check(instance, schema, "$", errors, []);
        return errors;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimePattern();

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "unknown",
    };

    private static double Num(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool TypeMatches(JsonNode? node, string type) => type switch
    {
        "integer" => Kind(node) == "number" && Num(node!) == Math.Floor(Num(node!)),
        _ => Kind(node) == type,
    };

    private void Check(JsonNode? instance, JsonNode schemaNode, string path, List<string> errors, HashSet<string> dispatched)
    {
        var schema = schemaNode as JsonObject;
        if (schema is null)
        {
            return;
        }

        var reference = (string?)schema["$ref"];
        if (reference is not null)
        {
            schema = document.Resolve(schema);
        }

        if (instance is null || Kind(instance) == "null")
        {
            var nullable = schema["nullable"]?.ToJsonString() == "true" || (schemaNode as JsonObject)?["nullable"]?.ToJsonString() == "true";
            if (!nullable && (schema["type"] is not null || schema["enum"] is not null))
            {
                errors.Add($"{path}: null is not allowed");
            }

            return;
        }

        if ((string?)schema["type"] is { } type && !TypeMatches(instance, type))
        {
            errors.Add($"{path}: expected {type}, got {Kind(instance)}");
            return;
        }

        if (schema["enum"] is JsonArray values && !values.Any(v => v?.ToJsonString() == instance.ToJsonString()))
        {
            errors.Add($"{path}: {instance.ToJsonString()} is not one of the enum values");
        }

        CheckScalar(instance, schema, path, errors);

        if (instance is JsonObject obj)
        {
            CheckObject(obj, schema, path, errors, dispatched);
        }

        if (instance is JsonArray array)
        {
            if (schema["items"] is JsonObject items)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], items, $"{path}[{i}]", errors, []);
                }
            }

            if (schema["minItems"] is JsonValue min && array.Count < Num(min))
            {
                errors.Add($"{path}: fewer than {min} items");
            }

            if (schema["maxItems"] is JsonValue max && array.Count > Num(max))
            {
                errors.Add($"{path}: more than {max} items");
            }
        }

        if (schema["allOf"] is JsonArray all)
        {
            foreach (var part in all)
            {
                Check(instance, part!, path, errors, dispatched);
            }
        }

        if (schema["anyOf"] is JsonArray any && !any.Any(part => Matches(instance, part!, path)))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        var discriminated = Discriminate(instance, schema, path, errors, dispatched);
        if (schema["oneOf"] is JsonArray one && !discriminated)
        {
            var matching = one.Count(part => Matches(instance, part!, path));
            if (matching != 1)
            {
                errors.Add($"{path}: matches {matching} of oneOf (exactly one expected)");
            }
        }
    }

    /// <summary>Validates against the schema a discriminator maps the instance to; true if it dispatched.</summary>
    private bool Discriminate(JsonNode instance, JsonObject schema, string path, List<string> errors, HashSet<string> dispatched)
    {
        if (schema["discriminator"] is not JsonObject discriminator || instance is not JsonObject obj)
        {
            return false;
        }

        var property = (string?)discriminator["propertyName"];
        if (property is null || obj[property] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var target = (string?)discriminator["mapping"]?[value.GetValue<string>()];
        if (target is null)
        {
            return false;
        }

        // The mapped schema usually allOf-includes this one; dispatch once per instance location to stop the cycle.
        if (!dispatched.Add(target))
        {
            return true;
        }

        Check(instance, new JsonObject { ["$ref"] = target }, path, errors, dispatched);
        return true;
    }

    private bool Matches(JsonNode instance, JsonNode schema, string path)
    {
        var errors = new List<string>();
        Check(instance, schema, path, errors, []);
        return errors.Count == 0;
    }

    private void CheckObject(JsonObject obj, JsonObject schema, string path, List<string> errors, HashSet<string> dispatched)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => (string)r!))
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{path}: missing required '{name}'");
                }
            }
        }

        foreach (var (name, value) in obj)
        {
            if (properties?[name] is JsonObject propertySchema)
            {
                Check(value, propertySchema, $"{path}.{name}", errors, []);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Check(value, additional, $"{path}.{name}", errors, []);
            }
            else if (schema["additionalProperties"] is JsonValue allowed && allowed.ToJsonString() == "false")
            {
                errors.Add($"{path}: unexpected property '{name}'");
            }
        }
    }

    private static void CheckScalar(JsonNode instance, JsonObject schema, string path, List<string> errors)
    {
        if (Kind(instance) == "string")
        {
            var text = instance.GetValue<string>();
            if (schema["minLength"] is JsonValue minLength && text.Length < Num(minLength))
            {
                errors.Add($"{path}: shorter than {minLength}");
            }

            if (schema["maxLength"] is JsonValue maxLength && text.Length > Num(maxLength))
            {
                errors.Add($"{path}: longer than {maxLength}");
            }

            if ((string?)schema["format"] == "date-time" && !DateTimePattern().IsMatch(text))
            {
                errors.Add($"{path}: not an RFC 3339 date-time");
            }

            if ((string?)schema["pattern"] is { } pattern)
            {
                try
                {
                    if (!Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                    {
                        errors.Add($"{path}: does not match pattern {pattern}");
                    }
                }
                catch (ArgumentException)
                {
                    // An ECMA-only construct .NET cannot compile: not checkable here.
                }
            }
        }

        if (Kind(instance) == "number")
        {
            var number = Num(instance);
            if (schema["minimum"] is JsonValue minimum && number < Num(minimum))
            {
                errors.Add($"{path}: below minimum {minimum}");
            }

            if (schema["maximum"] is JsonValue maximum && number > Num(maximum))
            {
                errors.Add($"{path}: above maximum {maximum}");
            }
        }
    }

    /// <summary>Formats errors for an assertion message.</summary>
    public static string Describe(IEnumerable<string> errors) => string.Join(Environment.NewLine, errors.Take(20).Select(e => e.ToString(CultureInfo.InvariantCulture)));
}
