namespace QuantaSeal.Grains.Hosting.Serialization;

/// <summary>Refuses to start a silo on which QuantaSeal's state naming was replaced after <c>AddQuantaSeal</c> (see <see cref="QuantaSealPersistentStateFactory.EnsureInstalled"/>).</summary>
internal sealed class QuantaSealStateNamingCheck(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(QuantaSealStateNamingCheck), ServiceLifecycleStage.First, _ =>
        {
            QuantaSealPersistentStateFactory.EnsureInstalled(services);
            return Task.CompletedTask;
        });
    }
}
