namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>What a session may open: decided at sign-in from what the API lets the key do.</summary>
internal static class ConsoleRoles
{
    /// <summary>A key with the <c>admin</c> scope.</summary>
    public const string Admin = "admin";

    /// <summary>A key with <c>audit:read</c> but not <c>admin</c>: the read-only audit view.</summary>
    public const string AuditReader = "audit";

    /// <summary>The operator key.</summary>
    public const string Operator = "operator";
}
