namespace QuantaSeal.Crypto.Audit;

/// <summary>
/// What the server reported, when it wrote an export, about acknowledged events of the tenant outside the chain (dead
/// letters of the audit queue). Not covered by any signature: it tells the reader to look further, it proves nothing.
/// </summary>
/// <param name="DeadLetteredEvents">Events of the tenant in dead letters.</param>
/// <param name="UnattributedDeadLetters">Dead letters whose tenant is not known (they may hold this tenant's events).</param>
public sealed record AuditExportCompleteness(long DeadLetteredEvents, long UnattributedDeadLetters)
{
    /// <summary>True when nothing acknowledged was outside the chain.</summary>
    public bool Complete => DeadLetteredEvents == 0 && UnattributedDeadLetters == 0;
}
