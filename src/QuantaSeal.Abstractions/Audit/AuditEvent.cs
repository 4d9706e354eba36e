namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// One audit event (DESIGN §7). Never carries a credential, token, key or upstream payload.
/// <see cref="Seq"/> is assigned by the tenant's chain.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] long? Seq,
    [property: Id(3)] DateTimeOffset Timestamp,
    [property: Id(4)] string Actor,
    [property: Id(5)] string Action,
    [property: Id(6)] string? IntegrationId,
    [property: Id(7)] string? Operation,
    [property: Id(8)] string Outcome,
    [property: Id(9)] int? UpstreamStatus,
    [property: Id(10)] string? RequestSha256,
    [property: Id(11)] long? LatencyMs,
    [property: Id(12)] string? ObjectId = null);

/// <summary>Audit actions.</summary>
public static class AuditActions
{
    /// <summary>A proxy call (allowed, denied or failed).</summary>
    public const string ProxyOutbound = "proxy.outbound";

    /// <summary>Credential sealed.</summary>
    public const string VaultSeal = "vault.seal";

    /// <summary>Credential rotated.</summary>
    public const string VaultRotate = "vault.rotate";

    /// <summary>Credential deleted.</summary>
    public const string VaultDelete = "vault.delete";

    /// <summary>Credential unsealed by an admin (into an envelope).</summary>
    public const string VaultUnseal = "vault.unseal";

    /// <summary>Integration created.</summary>
    public const string IntegrationCreate = "integration.create";

    /// <summary>Integration updated.</summary>
    public const string IntegrationUpdate = "integration.update";

    /// <summary>Integration deleted.</summary>
    public const string IntegrationDelete = "integration.delete";

    /// <summary>Integration connection check.</summary>
    public const string IntegrationCheck = "integration.check";
}

/// <summary>Audit outcomes.</summary>
public static class AuditOutcomes
{
    /// <summary>Done.</summary>
    public const string Success = "success";

    /// <summary>Refused by policy or validation before any upstream call.</summary>
    public const string Denied = "denied";

    /// <summary>Attempted and failed (upstream error, timeout).</summary>
    public const string Failed = "failed";
}
