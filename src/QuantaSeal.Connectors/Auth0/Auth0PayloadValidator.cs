using System.Buffers;
using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// Checks a proxy payload against an <see cref="Auth0Operation"/> before any upstream call. Fail closed: unknown
/// fields, duplicate fields, wrong types and out-of-range values are rejected, naming the field and never echoing the
/// value. Never throws, whatever JSON it is given.
/// </summary>
internal static class Auth0PayloadValidator
{
    private const int MaxEmailLength = 254;
    private const int MaxUserIdLength = 512;
    private const int MaxSortLength = 64;

    private static readonly SearchValues<char> NotInLocalPart = SearchValues.Create(" \t\"(),:;<>@[\\]");

    /// <summary>Validates <paramref name="payload"/> (null or JSON null = empty object) for <paramref name="operation"/>.</summary>
    public static PayloadValidationResult Validate(Auth0Operation operation, JsonElement? payload)
    {
        ArgumentNullException.ThrowIfNull(operation);
        JsonElement value;
        if (payload is not { } given || given.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            using var empty = JsonDocument.Parse("{}");
            value = empty.RootElement.Clone();
        }
        else
        {
            value = given;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return PayloadValidationResult.Invalid("payload", "'payload' must be a JSON object.");
        }

        var error = CheckObject(value, operation.Fields, prefix: null);
        if (error is not null)
        {
            return error;
        }

        return operation.Rule?.Invoke(value) ?? PayloadValidationResult.Valid(new OperationRequest(operation.Descriptor, value.Clone()));
    }

    private static PayloadValidationResult? CheckObject(JsonElement obj, IReadOnlyList<Auth0PayloadField> fields, string? prefix)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                // Two values for one name: the validator and the serialiser might each pick a different one.
                return IsReportable(property.Name)
                    ? Invalid(prefix, property.Name, "is given more than once.")
                    : PayloadValidationResult.Invalid(prefix ?? "payload", $"'{prefix ?? "payload"}' has a member given more than once.");
            }

            var field = FindField(fields, property.Name);
            if (field is null)
            {
                return IsReportable(property.Name)
                    ? Invalid(prefix, property.Name, "is not a field of this operation.")
                    : PayloadValidationResult.Invalid(prefix ?? "payload", $"'{prefix ?? "payload"}' has a member that is not a field of this operation.");
            }

            var error = CheckValue(field, property.Value, prefix);
            if (error is not null)
            {
                return error;
            }
        }

        foreach (var field in fields)
        {
            if (field.Required && !seen.Contains(field.Name))
            {
                return Invalid(prefix, field.Name, "is required.");
            }
        }

        return null;
    }

    private static Auth0PayloadField? FindField(IReadOnlyList<Auth0PayloadField> fields, string name)
    {
        foreach (var field in fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                return field;
            }
        }

        return null;
    }

    private static PayloadValidationResult? CheckValue(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return field.Nullable ? null : Invalid(prefix, field.Name, "must not be null.");
        }

        return field.Kind switch
        {
            Auth0FieldKind.String => CheckString(field, value, prefix),
            Auth0FieldKind.Integer => CheckInteger(field, value, prefix),
            Auth0FieldKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? null
                : Invalid(prefix, field.Name, "must be true or false."),
            Auth0FieldKind.Email => CheckEmail(field, value, prefix),
            Auth0FieldKind.UserId => CheckUserId(field, value, prefix),
            Auth0FieldKind.Sort => CheckSort(field, value, prefix),
            Auth0FieldKind.FieldList => CheckFieldList(field, value, prefix),
            Auth0FieldKind.Object => value.ValueKind == JsonValueKind.Object
                ? null
                : Invalid(prefix, field.Name, "must be a JSON object."),
            Auth0FieldKind.ClosedObject => CheckClosedObject(field, value, prefix),
            Auth0FieldKind.StringArray => CheckStringArray(field, value, prefix),
            _ => Invalid(prefix, field.Name, "has an unsupported type."),
        };
    }

    private static PayloadValidationResult? CheckString(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Invalid(prefix, field.Name, "must be a string.");
        }

        var text = value.GetString() ?? string.Empty;
        return CheckText(field, text, prefix);
    }

    private static PayloadValidationResult? CheckText(Auth0PayloadField field, string text, string? prefix)
    {
        if (text.Length < field.MinLength || text.Length > field.MaxLength)
        {
            return Invalid(prefix, field.Name, field.MinLength > 0
                ? $"must be {field.MinLength} to {field.MaxLength} characters long."
                : $"must be at most {field.MaxLength} characters long.");
        }

        if (HasControlCharacter(text))
        {
            return Invalid(prefix, field.Name, "must not contain control characters.");
        }

        if (field.Allowed is { } allowed && !allowed.Contains(text, StringComparer.Ordinal))
        {
            return Invalid(prefix, field.Name, $"must be one of: {string.Join(", ", allowed)}.");
        }

        return null;
    }

    private static PayloadValidationResult? CheckInteger(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < field.Min || number > field.Max)
        {
            return Invalid(prefix, field.Name, $"must be an integer from {field.Min} to {field.Max}.");
        }

        return null;
    }

    private static PayloadValidationResult? CheckEmail(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.String || !LooksLikeEmail(value.GetString() ?? string.Empty))
        {
            return Invalid(prefix, field.Name, "must be an email address (local@domain.tld).");
        }

        return null;
    }

    private static PayloadValidationResult? CheckUserId(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Invalid(prefix, field.Name, "must be a string (an Auth0 user id such as auth0|123).");
        }

        var text = value.GetString() ?? string.Empty;
        if (text.Length is 0 or > MaxUserIdLength || HasControlCharacter(text) || text is "." or ".." || text.Trim().Length != text.Length)
        {
            return Invalid(prefix, field.Name, $"must be an Auth0 user id: 1 to {MaxUserIdLength} characters, no control characters or surrounding spaces.");
        }

        return null;
    }

    private static PayloadValidationResult? CheckSort(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.String || !IsSort(value.GetString() ?? string.Empty))
        {
            return Invalid(prefix, field.Name, "must be field:1 (ascending) or field:-1 (descending).");
        }

        return null;
    }

    private static PayloadValidationResult? CheckFieldList(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Invalid(prefix, field.Name, "must be a string of comma-separated field names.");
        }

        var text = value.GetString() ?? string.Empty;
        if (text.Length is 0 || text.Length > field.MaxLength)
        {
            return Invalid(prefix, field.Name, $"must be 1 to {field.MaxLength} characters of comma-separated field names.");
        }

        foreach (var name in text.Split(','))
        {
            if (!IsFieldName(name))
            {
                return Invalid(prefix, field.Name, "must be comma-separated field names (letters, digits, _ and .).");
            }
        }

        return null;
    }

    private static PayloadValidationResult? CheckClosedObject(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Invalid(prefix, field.Name, "must be a JSON object.");
        }

        var members = field.Members ?? [];
        var nested = prefix is null ? field.Name : prefix + "." + field.Name;
        var error = CheckObject(value, members, nested);
        if (error is not null)
        {
            return error;
        }

        using var enumerator = value.EnumerateObject();
        return enumerator.MoveNext() ? null : Invalid(prefix, field.Name, "must change at least one attribute.");
    }

    private static PayloadValidationResult? CheckStringArray(Auth0PayloadField field, JsonElement value, string? prefix)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Invalid(prefix, field.Name, "must be an array of strings.");
        }

        var count = value.GetArrayLength();
        if (count == 0 || count > field.MaxItems)
        {
            return Invalid(prefix, field.Name, $"must have 1 to {field.MaxItems} items.");
        }

        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return Invalid(prefix, field.Name, "must be an array of strings.");
            }

            var error = CheckText(field, item.GetString() ?? string.Empty, prefix);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>A pragmatic shape check (Auth0 does the real one): one local part, one '@', a dotted domain, no spaces.</summary>
    internal static bool LooksLikeEmail(string text)
    {
        if (text.Length is < 3 or > MaxEmailLength || HasControlCharacter(text))
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at > 64 || at == text.Length - 1)
        {
            return false;
        }

        var local = text.AsSpan(0, at);
        var domain = text.AsSpan(at + 1);
        if (local.ContainsAny(NotInLocalPart) || domain.Length > 253)
        {
            return false;
        }

        var dot = domain.IndexOf('.');
        if (dot <= 0 || domain[^1] == '.' || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in domain)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' || c > 0x7F))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (text.Length > MaxSortLength || colon <= 0)
        {
            return false;
        }

        var order = text.AsSpan(colon + 1);
        return (order is "1" || order is "-1") && IsFieldName(text[..colon]);
    }

    private static bool IsFieldName(string name)
    {
        if (name.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An unknown field name is caller input: echo it only when it is a plain identifier.</summary>
    private static bool IsReportable(string name) => name.Length <= 64 && IsFieldName(name);

    private static PayloadValidationResult Invalid(string? prefix, string field, string problem)
    {
        var path = prefix is null ? field : prefix + "." + field;
        return PayloadValidationResult.Invalid(path, $"'{path}' {problem}");
    }
}
