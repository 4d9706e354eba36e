using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Audit;

/// <summary>
/// DESIGN §9: "A rejected request changes nothing and is still audited where a tenant is known." Wraps each audited
/// endpoint and, when the handler refuses the request (a 4xx result other than 401, or a refusal exception the exception
/// handler turns into 400/404/409), publishes one <c>denied</c> event, unless a grain already recorded the refusal:
/// the exception carries its event id (<see cref="IAuditedRefusal"/>) or the handler returned a <see cref="Refusal"/>
/// naming it. Successes and the grains' own refusals are recorded by the grains. The 403 of a scope check never
/// reaches this filter; <see cref="ApiKeyAuthenticationHandler"/> audits it.
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
            // Audit unless a grain did, then let the exception handler answer as before. If the audit itself cannot be
            // recorded, its exception replaces this one and the answer is 503.
            if (ex is not IAuditedRefusal { AuditEventId: not null })
            {
                await Audit(http).PublishDeniedAsync(http, null, http.RequestAborted);
            }

            throw;
        }

        // A typed union (Results<...>) holds the handler's actual result.
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is not IStatusCodeHttpResult { StatusCode: { } status } || !IsRefusal(status))
        {
            return result;
        }

        var refusal = inner as Refusal;
        var eventId = refusal?.AuditEventId ?? await Audit(http).PublishDeniedAsync(http, refusal?.Target, http.RequestAborted);
        var problem = refusal?.Problem ?? inner as ProblemHttpResult;
        if (problem is not null && eventId is not null && ReturnsEventId(http))
        {
            problem.ProblemDetails.Extensions["audit_event_id"] = eventId;
        }

        return result;
    }

    /// <summary>A client error that refuses the request; 401 is left out (no tenant is known then).</summary>
    private static bool IsRefusal(int status) =>
        status is >= StatusCodes.Status400BadRequest and < StatusCodes.Status500InternalServerError and not StatusCodes.Status401Unauthorized;

    /// <summary>The exceptions the exception handler maps to a 4xx (validation 400, not found 404, in use / no key 409, unreadable body).</summary>
    private static bool IsRefusal(Exception exception) => exception switch
    {
        QuantaSealValidationException or TenantAccessDeniedException or CredentialInUseException or NoRecipientKeyException => true,
        BadHttpRequestException b => IsRefusal(b.StatusCode),
        _ => false,
    };

    /// <summary>Whether the endpoint's refusals carry their <c>audit_event_id</c> (<see cref="AuditActionMetadata.ReturnsEventId"/>).</summary>
    public static bool ReturnsEventId(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<AuditActionMetadata>() is { ReturnsEventId: true };

    private static EdgeAudit Audit(HttpContext http) => http.RequestServices.GetRequiredService<EdgeAudit>();
}
