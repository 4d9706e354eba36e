using System.Globalization;
using System.Text.Json;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>
/// A small JSON Schema (OpenAPI 3.1 / 2020-12 subset) validator for Auth0's OpenAPI document. It supports exactly
/// the keywords that document's schemas use — <c>$ref</c> (local), <c>type</c> (single or list, with
/// <c>nullable</c>), <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c>, <c>enum</c>,
/// <c>const</c>, <c>oneOf</c> (exactly one), <c>anyOf</c>, <c>allOf</c>, <c>minLength</c>/<c>maxLength</c>,
/// <c>minimum</c>/<c>maximum</c>, <c>minItems</c>/<c>maxItems</c>, <c>format</c> (<c>date-time</c> and <c>email</c>
/// checked, others annotations) — and throws on any other keyword, so nothing is silently skipped.
/// </summary>
/// <remarks>
/// Chosen over a package (JsonSchema.Net) on purpose: the document needs only this subset, a failing keyword is
/// reported instead of ignored, and the test project takes no new dependency (CentralPackageTransitivePinning).
/// </remarks>
internal sealed class Auth0SchemaValidator(JsonElement document)
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "description", "default", "title", "examples", "example", "deprecated", "readOnly", "writeOnly", "style", "explode",
    };

    /// <summary>Follows local <c>$ref</c>s (<c>#/components/...</c>) until a schema without one.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            Assert.True(hops < 32, "$ref cycle");
            var pointer = reference.GetString()!;
            Assert.StartsWith("#/", pointer, StringComparison.Ordinal);
            var node = document;
            foreach (var part in pointer[2..].Split('/'))
            {
                node = node.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }

            schema = node;
        }

        return schema;
    }

    /// <summary>Every violation of <paramref name="schema"/> by <paramref name="instance"/> (empty = valid).</summary>
    public List<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here");
            return;
        }

        var nullable = schema.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True;
        foreach (var keyword in schema.EnumerateObject())
        {
            var name = keyword.Name;
            var value = keyword.Value;
            if (Annotations.Contains(name) || name.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            switch (name)
            {
                case "$ref":
                    Check(Resolve(schema), instance, path, errors);
                    break;
                case "type":
                    CheckType(value, nullable, instance, path, errors);
                    break;
                case "nullable":
                    break;
                case "properties":
                    if (instance.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var property in value.EnumerateObject())
                        {
                            if (instance.TryGetProperty(property.Name, out var member))
                            {
                                Check(property.Value, member, path + "." + property.Name, errors);
                            }
                        }
                    }

                    break;
                case "required":
                    if (instance.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var required in value.EnumerateArray().Select(r => r.GetString()!))
                        {
                            if (!instance.TryGetProperty(required, out _))
                            {
                                errors.Add($"{path}: missing required member '{required}'");
                            }
                        }
                    }

                    break;
                case "additionalProperties":
                    if (instance.ValueKind == JsonValueKind.Object)
                    {
                        var declared = schema.TryGetProperty("properties", out var props)
                            ? props.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
                            : [];
                        foreach (var member in instance.EnumerateObject().Where(m => !declared.Contains(m.Name)))
                        {
                            Check(value, member.Value, path + "." + member.Name, errors);
                        }
                    }

                    break;
                case "items":
                    if (instance.ValueKind == JsonValueKind.Array)
                    {
                        var i = 0;
                        foreach (var item in instance.EnumerateArray())
                        {
                            Check(value, item, $"{path}[{i++}]", errors);
                        }
                    }

                    break;
                case "enum":
                    if (!(nullable && instance.ValueKind == JsonValueKind.Null)
                        && !value.EnumerateArray().Any(e => JsonElement.DeepEquals(e, instance)))
                    {
                        errors.Add($"{path}: value not in enum");
                    }

                    break;
                case "const":
                    if (!JsonElement.DeepEquals(value, instance))
                    {
                        errors.Add($"{path}: value is not the constant");
                    }

                    break;
                case "oneOf":
                    {
                        var matching = value.EnumerateArray().Count(s => Validate(s, instance).Count == 0);
                        if (matching != 1)
                        {
                            errors.Add($"{path}: matches {matching} of the oneOf alternatives, not exactly one");
                        }

                        break;
                    }

                case "anyOf":
                    if (!value.EnumerateArray().Any(s => Validate(s, instance).Count == 0))
                    {
                        errors.Add($"{path}: matches none of the anyOf alternatives");
                    }

                    break;
                case "allOf":
                    foreach (var s in value.EnumerateArray())
                    {
                        Check(s, instance, path, errors);
                    }

                    break;
                case "minLength":
                    if (instance.ValueKind == JsonValueKind.String && Length(instance) < value.GetInt32())
                    {
                        errors.Add($"{path}: shorter than {value.GetInt32()}");
                    }

                    break;
                case "maxLength":
                    if (instance.ValueKind == JsonValueKind.String && Length(instance) > value.GetInt32())
                    {
                        errors.Add($"{path}: longer than {value.GetInt32()}");
                    }

                    break;
                case "minimum":
                    if (instance.ValueKind == JsonValueKind.Number && instance.GetDouble() < value.GetDouble())
                    {
                        errors.Add($"{path}: below {value.GetDouble()}");
                    }

                    break;
                case "maximum":
                    if (instance.ValueKind == JsonValueKind.Number && instance.GetDouble() > value.GetDouble())
                    {
                        errors.Add($"{path}: above {value.GetDouble()}");
                    }

                    break;
                case "minItems":
                    if (instance.ValueKind == JsonValueKind.Array && instance.GetArrayLength() < value.GetInt32())
                    {
                        errors.Add($"{path}: fewer than {value.GetInt32()} items");
                    }

                    break;
                case "maxItems":
                    if (instance.ValueKind == JsonValueKind.Array && instance.GetArrayLength() > value.GetInt32())
                    {
                        errors.Add($"{path}: more than {value.GetInt32()} items");
                    }

                    break;
                case "format":
                    CheckFormat(value.GetString()!, instance, path, errors);
                    break;
                default:
                    throw new NotSupportedException($"Schema keyword '{name}' (at {path}) is not supported by this validator; extend it rather than skip the keyword.");
            }
        }
    }

    private static void CheckType(JsonElement type, bool nullable, JsonElement instance, string path, List<string> errors)
    {
        var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        if (nullable)
        {
            allowed.Add("null");
        }

        var ok = allowed.Any(t => t switch
        {
            "object" => instance.ValueKind == JsonValueKind.Object,
            "array" => instance.ValueKind == JsonValueKind.Array,
            "string" => instance.ValueKind == JsonValueKind.String,
            "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => instance.ValueKind == JsonValueKind.Null,
            "number" => instance.ValueKind == JsonValueKind.Number,
            "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
            _ => throw new NotSupportedException($"Unknown JSON Schema type '{t}'."),
        });
        if (!ok)
        {
            errors.Add($"{path}: {instance.ValueKind} is not {string.Join("|", allowed)}");
        }
    }

    private static void CheckFormat(string format, JsonElement instance, string path, List<string> errors)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var text = instance.GetString()!;
        var ok = format switch
        {
            "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) && text.Contains('T', StringComparison.Ordinal),
            "email" => text.IndexOf('@', StringComparison.Ordinal) > 0,
            _ => true, // 2020-12: unknown formats are annotations (Auth0 uses its own, e.g. connection-realm).
        };
        if (!ok)
        {
            errors.Add($"{path}: not a valid {format}");
        }
    }

    /// <summary>JSON Schema counts string length in code points.</summary>
    private static int Length(JsonElement text) => text.GetString()!.EnumerateRunes().Count();
}
