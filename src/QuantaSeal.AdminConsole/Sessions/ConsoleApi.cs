using System.Security.Claims;
using QuantaSeal.Client;

namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>
/// The SDK client a console request acts with: the front door's own public API over HTTP, authenticated with the
/// session's key. Authentication, scopes, rate limits, validation and audit are therefore exactly the API's, and the
/// audit actor is the key itself; the console has no other way into the service.
/// </summary>
internal sealed class ConsoleApi(IHttpClientFactory httpClients, ConsoleApiAddress address)
{
    public const string HttpClientName = "QuantaSeal.AdminConsole.Api";

    /// <summary>A client acting with <paramref name="key"/> (an API key), or with no key (operator calls pass theirs per call).</summary>
    public QuantaSealClient For(string? key)
    {
        var http = httpClients.CreateClient(HttpClientName);
        http.BaseAddress = address.Get();
        return new QuantaSealClient(http, key);
    }

    /// <summary>A client acting with the signed-in session's API key.</summary>
    public QuantaSealClient For(ClaimsPrincipal user) => For(KeyOf(user));

    public static string KeyOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ConsoleClaims.Key) ?? throw new InvalidOperationException("The console session holds no key.");
}
