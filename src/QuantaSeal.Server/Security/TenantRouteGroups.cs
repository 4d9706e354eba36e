namespace QuantaSeal.Server.Security;

/// <summary>The route group every feature of the tenant API starts from: <c>app.MapTenantGroup("/api/v2/vault", "Vault", ScopePolicies.Admin)</c>.</summary>
internal static class TenantRouteGroups
{
    /// <summary>
    /// Maps a group under <paramref name="prefix"/> whose callers need an API key satisfying <paramref name="policy"/>,
    /// with the caller's tenant and key id stamped into the Orleans request context before any handler runs
    /// (<see cref="CallerContext.StampTenantAsync"/>). Every endpoint documents 401; a scope policy can also refuse a
    /// valid key, so its endpoints document 403 as well.
    /// </summary>
    public static RouteGroupBuilder MapTenantGroup(this IEndpointRouteBuilder app, string prefix, string tag, string policy)
    {
        var group = app.MapGroup(prefix)
            .WithTags(tag)
            .RequireAuthorization(policy)
            .AddEndpointFilter(CallerContext.StampTenantAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return policy == ScopePolicies.Authenticated ? group : group.ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
