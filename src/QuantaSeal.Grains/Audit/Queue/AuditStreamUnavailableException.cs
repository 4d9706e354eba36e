namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Audit events could not be durably enqueued (database unreachable, timed out, refused the write, or the stream
/// provider is missing). The action they describe must be refused and return no data (fail closed, DESIGN §7); the
/// front door answers 503. Crosses grain calls: unlike the Npgsql exception it replaces, it always deserialises, and it
/// carries no connection string, host credentials or payload, only the kind of failure.
/// </summary>
[GenerateSerializer, Alias("qs.AuditStreamUnavailableException")]
public sealed class AuditStreamUnavailableException : Exception
{
    private const string DefaultMessage = "The audit event could not be durably recorded, so the action was refused.";

    /// <summary>Creates the exception with the default message.</summary>
    public AuditStreamUnavailableException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AuditStreamUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception (kept in-process only; never chain a driver exception that may not serialise).</summary>
    public AuditStreamUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the failure, e.g. <c>NpgsqlException (SQLSTATE 57P01)</c>.</summary>
    /// <param name="cause">The exception type and, for database errors, the SQLSTATE; never a message text.</param>
    /// <param name="eventCount">How many events the refused publish carried.</param>
    public AuditStreamUnavailableException(string cause, int eventCount)
        : base($"{DefaultMessage} Cause: {cause}.")
    {
        Cause = cause;
        EventCount = eventCount;
    }

    /// <summary>The exception type and, for database errors, the SQLSTATE; no message text, host or credential.</summary>
    [Id(0)]
    public string? Cause { get; private set; }

    /// <summary>How many events the refused publish carried (none of them is durable).</summary>
    [Id(1)]
    public int EventCount { get; private set; }
}
