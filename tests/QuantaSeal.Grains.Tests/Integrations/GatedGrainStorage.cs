using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using QuantaSeal.Grains.Hosting.Serialization;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// The silos' QuantaSeal grain storage with a test hook: the next write of one grain can be held at a
/// <see cref="TestGate"/> and then made to fail, so a test can interleave another call with a write that is in flight
/// (and with its rollback) deterministically.
/// </summary>
public sealed class GatedGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly ConcurrentDictionary<GrainId, (TestGate Gate, bool Fail)> WriteGates = new();

    /// <summary>Holds the next state write of <paramref name="grainId"/>; when <paramref name="fail"/>, it then fails.</summary>
    public static TestGate HoldNextWrite(GrainId grainId, bool fail = false)
    {
        var gate = new TestGate();
        WriteGates[grainId] = (gate, fail);
        return gate;
    }

    /// <summary>Replaces the QuantaSeal storage registered so far with this wrapper around it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, QuantaSealStorage.Name));
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(QuantaSealStorage.Name, (sp, key) =>
            new GatedGrainStorage((IGrainStorage)original.KeyedImplementationFactory!(sp, key)));
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        if (WriteGates.TryRemove(grainId, out var hold))
        {
            await hold.Gate.PassAsync(CancellationToken.None);
            if (hold.Fail)
            {
                throw new TestStorageException();
            }
        }

        await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);

    public void Participate(ISiloLifecycle observer)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(observer);
        }
    }

    /// <summary>A storage outage (not an ETag conflict, which would make Orleans deactivate the grain and hide the bug).</summary>
    public sealed class TestStorageException() : Exception("The test storage refused the write.");
}
