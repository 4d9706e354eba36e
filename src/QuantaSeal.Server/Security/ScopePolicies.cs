using Microsoft.AspNetCore.Authorization;
using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Server.Security;

/// <summary>Authorization policies named after the scopes; <c>admin</c> satisfies every policy.</summary>
internal static class ScopePolicies
{
    public const string Authenticated = "qs:authenticated";
    public const string Admin = "qs:scope:admin";
    public const string Proxy = "qs:scope:proxy";
    public const string AuditRead = "qs:scope:audit:read";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Authenticated, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        AddScope(options, Admin, ApiKeyScopes.Admin);
        AddScope(options, Proxy, ApiKeyScopes.Proxy);
        AddScope(options, AuditRead, ApiKeyScopes.AuditRead);
    }

    private static void AddScope(AuthorizationOptions options, string name, string scope) =>
        options.AddPolicy(name, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => ApiKeyScopes.Allows(
                [.. ctx.User.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(c => c.Value)], scope)));
}
