namespace QuantaSeal.AdminConsole;

/// <summary>
/// Options of the Admin Console (<c>QuantaSeal:Console</c> section; command line <c>--console true|false</c>).
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "QuantaSeal:Console";

    /// <summary>Whether the front door serves the console at <c>/console</c> (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A session ends after this long without a request (default 15 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Where the console reaches the front door's own API. Empty (default): the first <c>http://</c> address this
    /// server listens on, with a wildcard host replaced by loopback. Set it when the server listens on HTTPS only
    /// (e.g. <c>https://quantaseal.internal:8443/</c>, a name its certificate covers).
    /// </summary>
    public Uri? ApiBaseAddress { get; set; }

    /// <summary>Every problem with the options, each with how to fix it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (IdleTimeout < TimeSpan.FromMinutes(1) || IdleTimeout > TimeSpan.FromHours(12))
        {
            errors.Add($"{SectionName}:IdleTimeout must be between 00:01:00 and 12:00:00 (it is {IdleTimeout}).");
        }

        if (ApiBaseAddress is { } api && (!api.IsAbsoluteUri || api.Scheme is not ("http" or "https")))
        {
            errors.Add($"{SectionName}:ApiBaseAddress must be an absolute http:// or https:// URL.");
        }

        return errors;
    }
}
