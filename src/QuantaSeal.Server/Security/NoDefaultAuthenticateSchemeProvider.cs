using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Since ASP.NET Core 7 the only registered scheme becomes the default one, and the authentication middleware then
/// looks up the <c>X-API-Key</c> of every request, <c>/healthz</c> included: an unauthenticated caller could make the
/// server activate a grain (a database read) per request. With no default authenticate scheme, only the endpoints
/// whose authorization policy names the API-key scheme authenticate.
/// </summary>
internal sealed class NoDefaultAuthenticateSchemeProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    public override Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);
}
