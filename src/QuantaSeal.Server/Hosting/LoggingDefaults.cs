using Microsoft.Extensions.Configuration.Memory;

namespace QuantaSeal.Server.Hosting;

/// <summary>
/// Production-sane log levels that hold even when no <c>appsettings.json</c> sits next to the process (the server is
/// usually started from another directory, so its content root has none). As the ASP.NET Core templates do, the
/// framework's own per-request lines (<c>Microsoft.AspNetCore.*</c>: request starting, endpoint executing, executed,
/// request finished) are at Warning; QuantaSeal's own categories stay at Information. Four lines per call are a
/// measurable share of the server's CPU per proxied call (loadtests/README.md, the proxy cost table).
/// </summary>
/// <remarks>
/// The defaults are the lowest-priority configuration source, so <c>appsettings.json</c>, environment variables and
/// the command line still win: <c>Logging__LogLevel__Microsoft.AspNetCore=Information</c> (or
/// <c>--Logging:LogLevel:Microsoft.AspNetCore=Information</c>) brings the request lines back.
/// </remarks>
internal static class LoggingDefaults
{
    /// <summary>The defaults, as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>Adds <see cref="Values"/> below every other configuration source.</summary>
    public static void AddQuantaSealLoggingDefaults(this IConfigurationBuilder configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Values });
    }
}
