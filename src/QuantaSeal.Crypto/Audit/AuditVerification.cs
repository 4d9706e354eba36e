namespace QuantaSeal.Crypto.Audit;

/// <summary>The result of verifying a chain.</summary>
/// <param name="Valid">Whether everything checked out.</param>
/// <param name="FirstBadSeq">The first seq at which something was changed, dropped, reordered or inserted.</param>
/// <param name="Problem">What is wrong there.</param>
/// <param name="EventsChecked">Events walked.</param>
/// <param name="CheckpointsChecked">Checkpoints whose signature and hash were checked.</param>
/// <param name="LastSeq">The last seq of the chain.</param>
/// <param name="LastHashHex">The hash at <paramref name="LastSeq"/>.</param>
public sealed record AuditVerification(bool Valid, long? FirstBadSeq, string? Problem, long EventsChecked, int CheckpointsChecked, long LastSeq, string LastHashHex);
