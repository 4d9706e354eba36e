using Microsoft.AspNetCore.Http;

namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>
/// On every call the console makes to its API, adds a one-time <see cref="ConsoleCallers"/> token bound to the address
/// of the browser request being served, so that the API's rate limits charge that browser and not loopback.
/// </summary>
internal sealed class ConsoleCallerHandler(IHttpContextAccessor httpContext, ConsoleCallers callers) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (httpContext.HttpContext?.Connection.RemoteIpAddress is { } browser)
        {
            request.Headers.Remove(ConsoleCallers.HeaderName);
            request.Headers.Add(ConsoleCallers.HeaderName, callers.Issue(browser));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
