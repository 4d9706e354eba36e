using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Abstractions.Audit;

/// <summary>
/// The sequential hash chain of one tenant (key = tenant id). Events reach it only through the tenant's audit stream
/// (implicit subscription, namespace <c>audit</c>); this interface is what callers may ask of it directly.
/// </summary>
[Alias("qs.IAuditChainGrain")]
public interface IAuditChainGrain : IGrainWithStringKey
{
    /// <summary>The last chained seq and its hash (seq 0 and 32 zero bytes for an empty chain).</summary>
    [Alias("GetHead")]
    Task<AuditChainHeadInfo> GetHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs and stores a checkpoint of the current head if events were chained since the last one, and returns the
    /// latest checkpoint (null while the chain is empty).
    /// </summary>
    [Alias("CheckpointNow")]
    Task<AuditCheckpoint?> CheckpointNowAsync(CancellationToken cancellationToken = default);
}
