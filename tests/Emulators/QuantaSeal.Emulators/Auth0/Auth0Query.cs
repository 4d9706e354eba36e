using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// Reads a Management API query string the way Auth0 validates it: only the endpoint's documented parameters,
/// one value each (arrays excepted), typed. The first problem is kept in <see cref="Error"/>.
/// </summary>
internal sealed class Auth0Query
{
    private readonly IQueryCollection _query;

    /// <param name="query">The request's query.</param>
    /// <param name="allowed">Documented parameter names; a trailing <c>[]</c> marks an array (repeatable) parameter.</param>
    public Auth0Query(IQueryCollection query, params string[] allowed)
    {
        _query = query;
        var arrays = allowed.Where(a => a.EndsWith("[]", StringComparison.Ordinal)).Select(a => a[..^2]).ToHashSet(StringComparer.Ordinal);
        var scalars = allowed.Where(a => !a.EndsWith("[]", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (!scalars.Contains(name) && !arrays.Contains(name))
            {
                Error ??= $"'Additional properties not allowed: {name}'.";
            }
            else if (scalars.Contains(name) && values.Count > 1)
            {
                Error ??= $"'Expected type {name} to be a single value but found an array' on property {name}.";
            }
        }
    }

    public string? Error { get; private set; }

    public bool Has(string name) => _query.ContainsKey(name);

    public string? String(string name) => _query.TryGetValue(name, out var values) ? values.ToString() : null;

    public string[] Array(string name) => _query.TryGetValue(name, out var values) ? [.. values.Select(v => v ?? string.Empty)] : [];

    public int? Int(string name, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error ??= $"'Expected type integer but found type string' on property {name}.";
            return null;
        }

        if (value < min)
        {
            Error ??= $"'Value must be greater than or equal to {min}' on property {name}.";
            return null;
        }

        if (value > max)
        {
            Error ??= $"'Value must be less than or equal to {max}' on property {name}.";
            return null;
        }

        return value;
    }

    public bool? Bool(string name)
    {
        var text = String(name);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error ??= $"'Expected type boolean but found type string' on property {name}.";
                return null;
        }
    }
}
