namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// One audit event (DESIGN §7). Never carries a credential, token, key or upstream payload.
/// <see cref="Seq"/> is assigned by the tenant's chain. An outcome event names the intent (<c>attempted</c>) event it
/// completes in <see cref="AttemptEventId"/> (DESIGN §7: no side effect without its event).
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
    [property: Id(12)] string? ObjectId = null,
    [property: Id(13)] string? AttemptEventId = null);

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

    /// <summary>Tenant created (by the operator; the first event of the new tenant's chain, actor <c>operator</c>).</summary>
    public const string TenantCreate = "tenant.create";

    /// <summary>Client recipient key registered.</summary>
    public const string RecipientKeyRegister = "tenant.recipient_key.register";

    /// <summary>Client recipient key revoked.</summary>
    public const string RecipientKeyRevoke = "tenant.recipient_key.revoke";

    /// <summary>The tenant's default recipient key (used when a call names none) was set.</summary>
    public const string RecipientKeyDefault = "tenant.recipient_key.default";

    /// <summary>An operator issued a new admin API key to a tenant (lock-out recovery; actor <c>operator</c>).</summary>
    public const string ApiKeyRecover = "api_key.recover";

    /// <summary>Envelope signing key rotated (optionally the HMAC key with it).</summary>
    public const string SigningKeyRotate = "tenant.signing_key.rotate";

    /// <summary>API key created.</summary>
    public const string ApiKeyCreate = "api_key.create";

    /// <summary>API key revoked.</summary>
    public const string ApiKeyRevoke = "api_key.revoke";

    /// <summary>Key-check echo: the posted payload sealed back into an envelope bound to this event.</summary>
    public const string EnvelopeEcho = "envelope.echo";

    /// <summary>
    /// A read of the tenant's own description or public keys. Reads return no secret material, so only a refused
    /// read (wrong scope, unknown or another tenant's object) is recorded, with outcome <c>denied</c>.
    /// </summary>
    public const string TenantRead = "tenant.read";

    /// <summary>A read of API key metadata; like <see cref="TenantRead"/>, recorded only when refused.</summary>
    public const string ApiKeyRead = "api_key.read";

    /// <summary>A read of credential metadata (never values); like <see cref="TenantRead"/>, recorded only when refused.</summary>
    public const string VaultRead = "vault.read";

    /// <summary>
    /// A read of the audit chain itself (events, proof, verify, checkpoints, export); like <see cref="TenantRead"/>,
    /// recorded only when refused (a wrong scope, another tenant's event id, a bad filter).
    /// </summary>
    public const string AuditRead = "audit.read";

    /// <summary>A read of integration configuration; like <see cref="TenantRead"/>, recorded only when refused.</summary>
    public const string IntegrationRead = "integration.read";

    /// <summary>
    /// A stored record (API key, tenant keys, integration policy) failed its integrity check and was refused (outcome
    /// <c>denied</c>, actor <c>system</c>, object id the record's id): someone changed the database, or restored an older copy.
    /// </summary>
    public const string RecordRefused = "record.refused";
}

/// <summary>Audit outcomes.</summary>
public static class AuditOutcomes
{
    /// <summary>Done.</summary>
    public const string Success = "success";

    /// <summary>Refused by policy or validation before any upstream call.</summary>
    public const string Denied = "denied";

    /// <summary>Attempted and failed (upstream error, unreachable, refused credentials).</summary>
    public const string Failed = "failed";

    /// <summary>
    /// The intent: recorded durably before a side effect (an upstream write, a change to QuantaSeal's own state). Its
    /// outcome event follows and names it in <see cref="AuditEvent.AttemptEventId"/>; an intent without an outcome
    /// means the process stopped in between, and the side effect may or may not have happened.
    /// </summary>
    public const string Attempted = "attempted";

    /// <summary>The caller went away before the upstream answered; the upstream call was abandoned.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The call's time budget ran out (token, send and body read share one deadline).</summary>
    public const string Timeout = "timeout";
}
