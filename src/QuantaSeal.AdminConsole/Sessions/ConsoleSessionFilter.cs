using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Logging;
using QuantaSeal.Client;
using QuantaSeal.Client.Tenants;

namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>
/// Runs around every console page of a tenant session: asks the API who the key is (so a revoked key's session ends on
/// its very next request, whatever the page does), and ends the session whenever the API answers 401.
/// </summary>
internal sealed partial class ConsoleSessionFilter(ConsoleApi api, ILogger<ConsoleSessionFilter> logger) : IAsyncPageFilter
{
    /// <summary><see cref="HttpContext.Items"/> key of the session's <see cref="TenantDetails"/>.</summary>
    public const string TenantItem = "qs.console.tenant";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var role = http.User.FindFirst(ConsoleClaims.Role)?.Value;
        if (role is ConsoleRoles.Admin or ConsoleRoles.AuditReader)
        {
            try
            {
                http.Items[TenantItem] = await api.For(http.User).GetTenantAsync(http.RequestAborted);
            }
            catch (QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
            {
                context.Result = await EndAsync(http);
                return;
            }
        }

        var executed = await next();
        if (executed.Exception is QuantaSealApiException { StatusCode: HttpStatusCode.Unauthorized } && role is not null)
        {
            executed.ExceptionHandled = true;
            executed.Result = await EndAsync(http);
        }
    }

    private async Task<IActionResult> EndAsync(HttpContext http)
    {
        Log.SessionEnded(logger, http.User.FindFirst(ConsoleClaims.TenantId)?.Value ?? "-", http.User.FindFirst(ConsoleClaims.KeyId)?.Value ?? "-");
        await http.SignOutAsync(ConsolePolicies.Scheme);
        return new RedirectResult("/console/sign-in?ended=true");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Console session of tenant {TenantId} (key {KeyId}) ended: the API no longer accepts its key")]
        public static partial void SessionEnded(ILogger logger, string tenantId, string keyId);
    }
}
