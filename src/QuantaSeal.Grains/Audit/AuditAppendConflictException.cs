namespace QuantaSeal.Grains.Audit;

/// <summary>An append was refused because an event was already chained or a seq was already taken; nothing was written.</summary>
public sealed class AuditAppendConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditAppendConflictException()
        : this(AuditAppendConflict.SeqTaken)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AuditAppendConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public AuditAppendConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a kind of conflict.</summary>
    public AuditAppendConflictException(AuditAppendConflict conflict)
        : base(conflict == AuditAppendConflict.DuplicateEvent ? "An event is already chained." : "A seq is already taken.")
    {
        Conflict = conflict;
    }

    /// <summary>What collided.</summary>
    public AuditAppendConflict Conflict { get; }
}

/// <summary>Kinds of append conflicts.</summary>
public enum AuditAppendConflict
{
    /// <summary>Another writer chained events at these seqs (a stale head).</summary>
    SeqTaken,

    /// <summary>A redelivered event is already chained.</summary>
    DuplicateEvent,
}
