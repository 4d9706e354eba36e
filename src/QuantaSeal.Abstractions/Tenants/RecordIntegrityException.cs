namespace QuantaSeal.Abstractions.Tenants;

/// <summary>
/// Thrown by a silo when a stored record the call needs (a tenant's keys, an integration's policy) failed its integrity
/// check and is refused (DESIGN §10). Carries no detail: the operator log names the record.
/// </summary>
[GenerateSerializer, Alias("qs.RecordIntegrityException")]
public sealed class RecordIntegrityException : Exception
{
    /// <summary>Creates the exception with the fixed message.</summary>
    public RecordIntegrityException()
        : base("A stored record this call needs failed its integrity check and was refused.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RecordIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public RecordIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
