namespace QuantaSeal.Abstractions.Envelopes;

/// <summary>The tenant has no active recipient key (or not the one asked for): nothing can be sealed.</summary>
[GenerateSerializer, Alias("qs.NoRecipientKeyException")]
public sealed class NoRecipientKeyException : Exception, Audit.IAuditedRefusal
{
    /// <summary>Creates the exception.</summary>
    public NoRecipientKeyException()
        : base("No active recipient key is registered for this tenant; register one with POST /api/v2/tenant/recipient-keys.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NoRecipientKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public NoRecipientKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    [Id(0)]
    public string? AuditEventId { get; init; }
}
