namespace QuantaSeal.Abstractions.Tenants;

/// <summary>Thrown by a silo when a grain call crosses tenants. Carries no object details.</summary>
[GenerateSerializer, Alias("qs.TenantAccessDeniedException")]
public sealed class TenantAccessDeniedException : Exception, Audit.IAuditedRefusal
{
    /// <summary>Creates the exception.</summary>
    public TenantAccessDeniedException()
        : base("The caller's tenant does not own this object.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TenantAccessDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public TenantAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    [Id(0)]
    public string? AuditEventId { get; init; }
}
