using System.CommandLine;
using System.Globalization;

namespace QuantaSeal.LoadTests.Infrastructure;

/// <summary>
/// Option builders shared by the scenarios' subcommands. Each option shows its default in <c>--help</c>; an unknown or
/// malformed option is a parse error, so a typo in a knob never silently measures the default.
/// </summary>
internal static class LoadOptions
{
    public static Option<T> Create<T>(string name, T defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<T> Optional<T>(string name, string description) => new(name) { Description = description };

    /// <summary>PostgreSQL server the scenario's scratch database is created on.</summary>
    public static readonly Option<string?> ConnectionString = Optional<string?>("--connection-string", "PostgreSQL server the scratch database is created on (default: $QUANTASEAL_TEST_PG).");

    /// <summary>Keeps the scratch database(s) instead of dropping them.</summary>
    public static readonly Option<bool> KeepDatabase = new("--keep-db") { Description = "Keep the scratch database(s) for inspection instead of dropping them." };

    /// <summary>Refuses an integer below <paramref name="minimum"/>; a value that is not an integer is the parser's error.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}");
            }
        });
        return option;
    }

    /// <summary>Whether <paramref name="option"/> was given on the command line (not just defaulted).</summary>
    public static bool WasGiven(this System.CommandLine.Parsing.CommandResult command, Option option) =>
        command.GetResult(option) is { Implicit: false };
}
