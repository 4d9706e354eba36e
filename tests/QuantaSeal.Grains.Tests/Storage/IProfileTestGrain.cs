namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>A grain whose state lives in the "quantaseal" storage provider.</summary>
[Alias("qs.test.IProfileTestGrain")]
public interface IProfileTestGrain : IGrainWithStringKey
{
    [Alias("Set")]
    Task<ProfileTestView> SetAsync(string displayName, int count, CancellationToken cancellationToken = default);

    [Alias("Get")]
    Task<ProfileTestView> GetAsync(CancellationToken cancellationToken = default);

    [Alias("Clear")]
    Task<ProfileTestView> ClearAsync(CancellationToken cancellationToken = default);

    [Alias("Deactivate")]
    Task DeactivateAsync(CancellationToken cancellationToken = default);
}

/// <summary>What the grain holds, plus which activation answered.</summary>
[GenerateSerializer, Immutable, Alias("qs.test.ProfileTestView")]
public sealed record ProfileTestView(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] int Count,
    [property: Id(2)] bool RecordExists,
    [property: Id(3)] string? ETag,
    [property: Id(4)] Guid ActivationId);
