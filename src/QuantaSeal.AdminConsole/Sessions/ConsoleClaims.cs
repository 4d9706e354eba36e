namespace QuantaSeal.AdminConsole.Sessions;

/// <summary>Claim types of a console session ticket (encrypted with Data Protection inside the session cookie).</summary>
internal static class ConsoleClaims
{
    /// <summary><see cref="ConsoleRoles"/> value.</summary>
    public const string Role = "qs:role";

    /// <summary>The key the session acts with (API key or operator key). Never leaves the server in clear.</summary>
    public const string Key = "qs:key";

    /// <summary>Tenant id (tenant sessions).</summary>
    public const string TenantId = "qs:tenant";

    /// <summary>API key id, when the key could list itself (admin).</summary>
    public const string KeyId = "qs:key_id";
}
