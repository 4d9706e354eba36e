using Microsoft.AspNetCore.Authorization;

namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>Authorization policies of the console pages (all on the console's own cookie scheme).</summary>
internal static class ConsolePolicies
{
    public const string Scheme = "QuantaSeal.AdminConsole";
    public const string Admin = "console.admin";
    public const string Audit = "console.audit";
    public const string Operator = "console.operator";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Admin, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(ConsoleClaims.Role, ConsoleRoles.Admin));
        options.AddPolicy(Audit, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(ConsoleClaims.Role, ConsoleRoles.Admin, ConsoleRoles.AuditReader));
        options.AddPolicy(Operator, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(ConsoleClaims.Role, ConsoleRoles.Operator));
    }
}
