using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Hosting;

/// <summary>
/// Puts the <see cref="ConsoleCallers"/> check at the very start of the front door's pipeline, before authentication
/// and the rate limiters: a request carrying a token this process minted is treated as coming from the browser the
/// token is bound to (as the forwarded-headers middleware does for a trusted proxy). The header is removed from every
/// request, redeemed or not, so nothing after this point can mistake it for anything.
/// </summary>
internal sealed class ConsoleCallerStartupFilter(ConsoleCallers callers) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            var headers = context.Request.Headers;
            if (headers.TryGetValue(ConsoleCallers.HeaderName, out var values))
            {
                headers.Remove(ConsoleCallers.HeaderName);
                if (values.Count == 1 && callers.TryRedeem(values[0], out var browser))
                {
                    context.Connection.RemoteIpAddress = browser;
                }
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
