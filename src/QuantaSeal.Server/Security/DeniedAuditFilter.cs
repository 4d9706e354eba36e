using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Server.Security;

/// <summary>
/// DESIGN §9: "A rejected request changes nothing and is still audited where a tenant is known." Wraps each
/// audited endpoint and publishes one <c>denied</c> event when the handler refuses the request (a 4xx result other
/// than 401, or a validation / tenant-isolation exception that the exception handler turns into 400/404) and nothing
/// was published for the request yet. Successful actions publish explicitly in their handlers. The 403 of a scope
/// check never reaches this filter; <see cref="ApiKeyAuthenticationHandler"/> audits it.
/// </summary>
internal static class DeniedAuditFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
            // Audit, then let the exception handler answer as before. If the audit itself cannot be recorded, its
            // exception replaces this one and the answer is 503: a refusal is not exempt from failing closed.
            await Audit(http).PublishDeniedAsync(http, http.RequestAborted);
            throw;
        }

        // A handler's typed Results<...> union carries its answer inside.
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        if (answer is IStatusCodeHttpResult { StatusCode: { } status } && IsRefusal(status) && EdgeAudit.AuditedEventId(http) is null)
        {
            var eventId = await Audit(http).PublishDeniedAsync(http, http.RequestAborted);
            if (answer is ProblemHttpResult problem && eventId is not null && ReturnsEventId(http))
            {
                problem.ProblemDetails.Extensions["audit_event_id"] = eventId;
            }
        }

        return result;
    }

    /// <summary>A client error that refuses the request; 401 is left out (no tenant is known then).</summary>
    private static bool IsRefusal(int status) =>
        status is >= StatusCodes.Status400BadRequest and < StatusCodes.Status500InternalServerError and not StatusCodes.Status401Unauthorized;

    /// <summary>The exceptions the exception handler maps to a 4xx (validation 400, another tenant's object 404, unreadable body).</summary>
    private static bool IsRefusal(Exception exception) => exception switch
    {
        QuantaSealValidationException or TenantAccessDeniedException => true,
        BadHttpRequestException b => IsRefusal(b.StatusCode),
        _ => false,
    };

    /// <summary>Whether the endpoint's refusals carry their <c>audit_event_id</c> (<see cref="AuditActionMetadata.ReturnsEventId"/>).</summary>
    public static bool ReturnsEventId(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<AuditActionMetadata>() is { ReturnsEventId: true };

    private static EdgeAudit Audit(HttpContext http) => http.RequestServices.GetRequiredService<EdgeAudit>();
}
