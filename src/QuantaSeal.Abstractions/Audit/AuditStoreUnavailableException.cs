namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// The audit store (the chain tables) could not be read or written. Serialisable across grain calls; carries only
/// the kind of failure, never a driver message, host or credential. The front door answers 503.
/// </summary>
[GenerateSerializer, Alias("qs.AuditStoreUnavailableException")]
public sealed class AuditStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public AuditStoreUnavailableException()
        : base("The audit store is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message (no secrets in it).</summary>
    public AuditStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an in-process inner exception.</summary>
    public AuditStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
