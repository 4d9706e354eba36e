namespace QuantaSeal.Client.Audit;

/// <summary>The server's walk of the whole chain (<c>GET /api/v2/audit/verify</c>).</summary>
/// <param name="Valid">Whether every hash and checkpoint signature checked out.</param>
/// <param name="FirstBadSeq">The first seq at which something was changed, dropped, reordered or inserted.</param>
/// <param name="Problem">What is wrong there.</param>
/// <param name="EventsChecked">Events walked.</param>
/// <param name="CheckpointsChecked">Checkpoints whose signature and hash were checked.</param>
/// <param name="LastSeq">The last seq of the chain.</param>
/// <param name="LastHash">The chain hash at <paramref name="LastSeq"/>.</param>
/// <remarks>This is the server's own opinion of its log; to trust nobody, export and verify offline (<see cref="QuantaSealClient.ExportAuditAsync"/>, <c>quantaseal audit verify</c>).</remarks>
public sealed record AuditChainVerification(bool Valid, long? FirstBadSeq, string? Problem, long EventsChecked, int CheckpointsChecked, long LastSeq, string LastHash)
{
    /// <summary>Acknowledged events of the tenant that are dead-lettered (outside the chain until re-driven); null from servers that do not report it.</summary>
    public long? DeadLetteredEvents { get; init; }

    /// <summary>Whether no acknowledged event is, or might be, outside the chain; null from servers that do not report it.</summary>
    public bool? Complete { get; init; }
}
