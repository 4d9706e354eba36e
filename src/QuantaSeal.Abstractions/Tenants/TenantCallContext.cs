namespace QuantaSeal.Abstractions.Tenants;

/// <summary>
/// The caller identity that travels with every grain call in the Orleans request context. Silos refuse
/// tenant-scoped calls whose caller tenant does not own the target (tenant isolation on every grain call), and the
/// grains record the actor of every change in the tenant's audit chain (DESIGN §7, audited where it happens).
/// </summary>
public static class TenantCallContext
{
    /// <summary>Request-context key holding the calling tenant id.</summary>
    public const string TenantKey = "qs.tenant";

    /// <summary>Request-context key set (to <c>"1"</c>) only by the front door's operator endpoints.</summary>
    public const string OperatorKey = "qs.operator";

    /// <summary>Request-context key holding the actor the grains record in audit events (the API key id, or <c>operator</c>).</summary>
    public const string ActorKey = "qs.actor";

    /// <summary>Sets the calling tenant for the calls made from the current async flow.</summary>
    public static void SetTenant(string tenantId) => RequestContext.Set(TenantKey, tenantId);

    /// <summary>Marks the current async flow as an operator call; its actor is <see cref="Audit.AuditActors.Operator"/>.</summary>
    public static void SetOperator()
    {
        RequestContext.Set(OperatorKey, "1");
        RequestContext.Set(ActorKey, Audit.AuditActors.Operator);
    }

    /// <summary>
    /// Names who acts for the calls made from the current async flow (the front door sets the API key id). An
    /// embedding service may name its own principal; a call that names none is recorded as
    /// <see cref="Audit.AuditActors.Unattributed"/>.
    /// </summary>
    public static void SetActor(string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        RequestContext.Set(ActorKey, actor);
    }

    /// <summary>The calling tenant, or <see langword="null"/>.</summary>
    public static string? CurrentTenant => RequestContext.Get(TenantKey) as string;

    /// <summary>Whether the current call is an operator call.</summary>
    public static bool IsOperator => RequestContext.Get(OperatorKey) is "1";

    /// <summary>The actor named for the current call, or <see langword="null"/> when none was.</summary>
    public static string? CurrentActor => RequestContext.Get(ActorKey) as string;
}
