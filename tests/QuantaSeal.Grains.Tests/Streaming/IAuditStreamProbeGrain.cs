namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>The test consumer of the audit streams (key = tenant id), subscribed implicitly.</summary>
[Alias("qs.test.IAuditStreamProbeGrain")]
public interface IAuditStreamProbeGrain : IGrainWithStringKey
{
    /// <summary>Deactivates the consumer once it is idle; the next event activates it again.</summary>
    [Alias("Deactivate")]
    Task DeactivateAsync(CancellationToken cancellationToken = default);
}
