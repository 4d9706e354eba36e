namespace QuantaSeal.Abstractions.Audit;

/// <summary>The actors recorded in audit events that are not an API key id (<c>ak_...</c>).</summary>
public static class AuditActors
{
    /// <summary>The operator (tenant creation, admin-key recovery): the operator key has no API key id.</summary>
    public const string Operator = "operator";

    /// <summary>
    /// A grain call that named no actor (<see cref="Tenants.TenantCallContext.SetActor"/>): an embedding Orleans
    /// service or a test calling the grains directly. The front door always names one, so this actor in a chain means
    /// the change did not come through the HTTP API.
    /// </summary>
    public const string Unattributed = "unattributed";

    /// <summary>QuantaSeal itself, reporting what it found rather than what a caller asked (a refused stored record).</summary>
    public const string System = "system";
}
