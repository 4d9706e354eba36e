namespace QuantaSeal.Abstractions.Audit;

/// <summary>Whole-chain operations built from the reader grain's bounded calls.</summary>
public static class AuditReaderGrainExtensions
{
    /// <summary>
    /// Walks the whole chain, one <see cref="IAuditReaderGrain.VerifyPageAsync"/> call per page, and returns the report:
    /// valid, or the first bad seq and why, plus what is outside the chain.
    /// </summary>
    public static async Task<AuditVerifyReport> VerifyAsync(this IAuditReaderGrain reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        AuditVerifyCursor? cursor = null;
        while (true)
        {
            var step = await reader.VerifyPageAsync(cursor, cancellationToken);
            if (step.Report is { } report)
            {
                return report;
            }

            cursor = step.Next ?? throw new InvalidOperationException("A verification step carried neither a cursor nor a report.");
        }
    }
}
