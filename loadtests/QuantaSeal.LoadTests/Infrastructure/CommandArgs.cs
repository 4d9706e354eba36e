using System.Globalization;

namespace QuantaSeal.LoadTests.Infrastructure;

/// <summary>
/// <c>--name value</c> options of one subcommand. Unknown or malformed options are refused, so a typo in a knob never
/// silently measures the default.
/// </summary>
internal sealed class CommandArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected '--name value', got '{name}'");
            }

            _values[name[2..]] = args[++i];
        }
    }

    public string String(string name, string fallback)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : fallback;
    }

    public string? OptionalString(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public int Int(string name, int fallback)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ArgumentException($"--{name} must be an integer, got '{value}'");
    }

    public bool Bool(string name, bool fallback)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value switch
        {
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => throw new ArgumentException($"--{name} must be true or false, got '{value}'"),
        };
    }

    /// <summary>Throws when an option was given that no setting read.</summary>
    public void ThrowIfUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException("unknown option(s): " + string.Join(", ", unknown.Select(u => "--" + u)));
        }
    }
}
