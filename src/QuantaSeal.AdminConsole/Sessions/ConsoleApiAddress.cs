using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>
/// The address of this front door's own API. Never taken from the request (a forged <c>Host</c> header would otherwise
/// send the signed-in key to a host of the attacker's choice): from <see cref="ConsoleOptions.ApiBaseAddress"/>, else
/// from the addresses the server listens on.
/// </summary>
internal sealed class ConsoleApiAddress(IServer server, IOptions<ConsoleOptions> options)
{
    private Uri? _resolved;

    public Uri Get() => _resolved ??= Resolve();

    private Uri Resolve()
    {
        if (options.Value.ApiBaseAddress is { } configured)
        {
            return configured;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var http = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(
                $"The console found no http:// address of this server to reach its API; set {ConsoleOptions.SectionName}:ApiBaseAddress.");
        var builder = new UriBuilder(http.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "localhost")
        {
            builder.Host = "127.0.0.1";
        }
        else if (builder.Host is "[::]" or "::")
        {
            builder.Host = "[::1]";
        }

        builder.Path = "/";
        return builder.Uri;
    }
}
