namespace QuantaSeal.Server.Hosting;

/// <summary>
/// The operator's additions to the outbound allowlist: every <c>--upstream-allow PATTERN</c> on the command line
/// (repeatable) plus <c>QuantaSeal:UpstreamAllow</c> (an array in appsettings, or a comma-separated
/// <c>QuantaSeal__UpstreamAllow</c> environment variable).
/// </summary>
internal static class UpstreamAllowList
{
    public const string Switch = "--upstream-allow";

    public static IReadOnlyList<string> From(string[] args, IConfiguration configuration)
    {
        var patterns = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Switch && i + 1 < args.Length)
            {
                patterns.Add(args[++i]);
            }
            else if (args[i].StartsWith(Switch + "=", StringComparison.Ordinal))
            {
                patterns.Add(args[i][(Switch.Length + 1)..]);
            }
        }

        var section = configuration.GetSection("QuantaSeal:UpstreamAllow");
        if (section.Value is { Length: > 0 } commaSeparated)
        {
            patterns.AddRange(commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        patterns.AddRange(section.GetChildren().Select(c => c.Value).OfType<string>());
        return patterns;
    }
}
