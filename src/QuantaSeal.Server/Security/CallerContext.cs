using System.Security.Claims;
using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Server.Security;

/// <summary>The authenticated tenant and key of the current request.</summary>
internal sealed record CallerContext(string TenantId, string ApiKeyId)
{
    public static CallerContext From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tenant = user.FindFirstValue(ApiKeyAuthenticationHandler.TenantClaim)
            ?? throw new InvalidOperationException("Endpoint reached without an authenticated tenant.");
        var keyId = user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? string.Empty;
        return new CallerContext(tenant, keyId);
    }

    /// <summary>
    /// Endpoint filter for every tenant endpoint: stamps the caller's tenant into the Orleans request context so each
    /// grain call below it is checked by the silo's tenant-isolation filter, and the caller's API key id as the actor
    /// the grains record in their audit events.
    /// </summary>
    public static ValueTask<object?> StampTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var caller = From(context.HttpContext.User);
        TenantCallContext.SetTenant(caller.TenantId);
        if (caller.ApiKeyId.Length > 0)
        {
            TenantCallContext.SetActor(caller.ApiKeyId);
        }

        return next(context);
    }
}
