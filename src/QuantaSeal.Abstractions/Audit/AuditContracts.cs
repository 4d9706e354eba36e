using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>The head of a chain.</summary>
[GenerateSerializer, Immutable, Alias("qs.AuditChainHeadInfo")]
public sealed record AuditChainHeadInfo(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Hash,
    [property: Id(2)] long CheckpointSeq);

/// <summary>Event filters and paging. <see cref="AfterSeq"/> is the cursor: seq strictly after it in the chosen order.</summary>
[GenerateSerializer, Immutable, Alias("qs.AuditEventQuery")]
public sealed record AuditEventQuery(
    [property: Id(0)] DateTimeOffset? From,
    [property: Id(1)] DateTimeOffset? To,
    [property: Id(2)] string? Action,
    [property: Id(3)] string? IntegrationId,
    [property: Id(4)] string? Outcome,
    [property: Id(5)] long? AfterSeq,
    [property: Id(6)] bool Descending,
    [property: Id(7)] int Limit);

/// <summary>A page of events; <see cref="NextAfterSeq"/> is set when more may follow.</summary>
[GenerateSerializer, Immutable, Alias("qs.AuditEventPage")]
public sealed record AuditEventPage(
    [property: Id(0)] IReadOnlyList<AuditRecord> Items,
    [property: Id(1)] long? NextAfterSeq);

/// <summary>
/// An event and what a client needs to check it against a signed checkpoint: the hash before it, the events after it
/// up to the checkpoint, and the checkpoint.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.AuditEventProof")]
public sealed record AuditEventProof(
    [property: Id(0)] AuditRecord Event,
    [property: Id(1)] string PreviousHash,
    [property: Id(2)] IReadOnlyList<AuditRecord> Following,
    [property: Id(3)] AuditCheckpoint? Checkpoint);

/// <summary>The result of walking a chain.</summary>
[GenerateSerializer, Immutable, Alias("qs.AuditVerifyReport")]
public sealed record AuditVerifyReport(
    [property: Id(0)] bool Valid,
    [property: Id(1)] long? FirstBadSeq,
    [property: Id(2)] string? Problem,
    [property: Id(3)] long EventsChecked,
    [property: Id(4)] int CheckpointsChecked,
    [property: Id(5)] long LastSeq,
    [property: Id(6)] string LastHash,
    [property: Id(7)] long DeadLetteredEvents = 0,
    [property: Id(8)] long UnattributedDeadLetters = 0);

/// <summary>
/// Where a verification walk stands between two <see cref="IAuditReaderGrain.VerifyPageAsync"/> calls. Opaque to
/// callers: pass back what the previous step returned.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.AuditVerifyCursor")]
public sealed record AuditVerifyCursor(
    [property: Id(0)] long UpToSeq,
    [property: Id(1)] long NextSeq,
    [property: Id(2)] string PreviousHash,
    [property: Id(3)] long EventsChecked,
    [property: Id(4)] int CheckpointsChecked,
    [property: Id(5)] long LastPassedCheckpointSeq,
    [property: Id(6)] long PassedCheckpointBelowLast,
    [property: Id(7)] long? CheckpointFailureSeq,
    [property: Id(8)] string? CheckpointFailure);

/// <summary>One step of a verification walk: either the cursor to continue from, or the final report.</summary>
[GenerateSerializer, Immutable, Alias("qs.AuditVerifyStep")]
public sealed record AuditVerifyStep(
    [property: Id(0)] AuditVerifyCursor? Next,
    [property: Id(1)] AuditVerifyReport? Report);

/// <summary>
/// Whether every acknowledged event of a tenant is in its chain: none of its events is dead-lettered, and no dead
/// letter of an unknown tenant exists (it might hold this tenant's events).
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.AuditCompleteness")]
public sealed record AuditCompleteness(
    [property: Id(0)] long DeadLetteredEvents,
    [property: Id(1)] long UnattributedDeadLetters)
{
    /// <summary>True when nothing acknowledged is outside the chain.</summary>
    public bool Complete => DeadLetteredEvents == 0 && UnattributedDeadLetters == 0;
}
