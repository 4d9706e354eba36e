namespace QuantaSeal.Crypto.Audit;

/// <summary>The result of checking an <see cref="AuditInclusionProof"/>.</summary>
/// <param name="Valid">Whether the event is certified by the signed checkpoint.</param>
/// <param name="Problem">Why not, when <paramref name="Valid"/> is false.</param>
public sealed record AuditInclusionProofResult(bool Valid, string? Problem)
{
    /// <summary>A proof that checked out.</summary>
    public static AuditInclusionProofResult Success { get; } = new(true, null);

    /// <summary>A proof that failed for <paramref name="problem"/>.</summary>
    public static AuditInclusionProofResult Failure(string problem) => new(false, problem);
}
