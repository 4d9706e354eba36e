namespace QuantaSeal.Abstractions.Tenants;

/// <summary>
/// The caller identity that travels with every grain call in the Orleans request context. Silos refuse
/// tenant-scoped calls whose caller tenant does not own the target (tenant isolation on every grain call).
/// </summary>
public static class TenantCallContext
{
    /// <summary>Request-context key holding the calling tenant id.</summary>
    public const string TenantKey = "qs.tenant";

    /// <summary>Request-context key set (to <c>"1"</c>) only by the front door's operator endpoints.</summary>
    public const string OperatorKey = "qs.operator";

    /// <summary>Sets the calling tenant for the calls made from the current async flow.</summary>
    public static void SetTenant(string tenantId) => RequestContext.Set(TenantKey, tenantId);

    /// <summary>Marks the current async flow as an operator call.</summary>
    public static void SetOperator() => RequestContext.Set(OperatorKey, "1");

    /// <summary>The calling tenant, or <see langword="null"/>.</summary>
    public static string? CurrentTenant => RequestContext.Get(TenantKey) as string;

    /// <summary>Whether the current call is an operator call.</summary>
    public static bool IsOperator => RequestContext.Get(OperatorKey) is "1";
}
