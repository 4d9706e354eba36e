namespace QuantaSeal.Abstractions.Tenants;

/// <summary>
/// A command was rejected because one field is invalid. <see cref="Field"/> names the field (JSON name) and the
/// message is safe to show to the client: it never contains the rejected value.
/// </summary>
[GenerateSerializer, Alias("qs.QuantaSealValidationException")]
public sealed class QuantaSealValidationException : Exception, Audit.IAuditedRefusal
{
    /// <summary>Creates the exception.</summary>
    public QuantaSealValidationException()
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public QuantaSealValidationException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public QuantaSealValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>The JSON name of the invalid field.</summary>
    [Id(0)]
    public string Field { get; init; }

    /// <inheritdoc/>
    [Id(1)]
    public string? AuditEventId { get; init; }
}
