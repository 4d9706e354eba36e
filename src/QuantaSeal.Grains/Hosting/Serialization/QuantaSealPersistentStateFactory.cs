using Microsoft.Extensions.DependencyInjection;

namespace QuantaSeal.Grains.Hosting.Serialization;

/// <summary>
/// Scopes the state names of QuantaSeal's grain storage provider (<see cref="StorageNames.QuantaSeal"/>) by grain type
/// (<see cref="GrainTypeScopedPersistentStateFactory"/>) and hands every other state to the factory the silo had before
/// QuantaSeal was added, so an embedding service's own grains keep the row names and providers they always had.
/// </summary>
/// <remarks>
/// Orleans resolves one <see cref="IPersistentStateFactory"/> per silo. Replacing it outright (as QuantaSeal once did)
/// renamed the host's rows too: a host grain's <c>[PersistentState("cart")]</c> was stored as <c>shop.cart/cart</c> and its
/// existing state was no longer found. The decorator keeps QuantaSeal's names (<c>qs.tenant/tenant</c>, unchanged for
/// existing deployments) and the host's names apart by the storage provider each state names.
/// </remarks>
internal sealed class QuantaSealPersistentStateFactory(IPersistentStateFactory inner) : IPersistentStateFactory
{
    private readonly GrainTypeScopedPersistentStateFactory _scoped = new();

    /// <summary>The factory every state not on QuantaSeal's provider goes to (the host's own).</summary>
    internal IPersistentStateFactory Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public IPersistentState<TState> Create<TState>(IGrainContext context, IPersistentStateConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return string.Equals(config.StorageName, StorageNames.QuantaSeal, StringComparison.Ordinal)
            ? _scoped.Create<TState>(context, config)
            : Inner.Create<TState>(context, config);
    }

    /// <summary>
    /// Wraps the silo's current <see cref="IPersistentStateFactory"/> registration (Orleans' own unless the host replaced
    /// it before) in this decorator. Idempotent: a second call leaves the registration as it is.
    /// </summary>
    internal static void Decorate(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IPersistentStateFactory) && !d.IsKeyedService);
        if (existing?.ImplementationFactory?.Target is Marker)
        {
            return;
        }

        if (existing is not null)
        {
            services.Remove(existing);
        }

        var marker = new Marker(existing);
        services.AddSingleton<IPersistentStateFactory>(marker.Create);
    }

    /// <summary>
    /// Throws when the silo's <see cref="IPersistentStateFactory"/> is not this decorator: something replaced it after
    /// QuantaSeal was added, and QuantaSeal's grains would read their state under other names (and find none).
    /// </summary>
    internal static void EnsureInstalled(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<IPersistentStateFactory>() is not QuantaSealPersistentStateFactory)
        {
            throw new InvalidOperationException(
                "The silo's IPersistentStateFactory was replaced after AddQuantaSeal was called, so QuantaSeal's grain state would be "
                + "read under other names. Register your own IPersistentStateFactory before calling AddQuantaSeal (QuantaSeal then "
                + "wraps it and leaves every state outside its 'quantaseal' provider to it). Refusing to start.");
        }
    }

    /// <summary>Holds the decorated registration; its <see cref="Create"/> is the factory delegate, so a second call recognises it.</summary>
    private sealed class Marker(ServiceDescriptor? decorated)
    {
        public QuantaSealPersistentStateFactory Create(IServiceProvider services) => new(decorated switch
        {
            null => new PersistentStateFactory(),
            { ImplementationInstance: IPersistentStateFactory instance } => instance,
            { ImplementationFactory: { } factory } => (IPersistentStateFactory)factory(services),
            { ImplementationType: { } type } => (IPersistentStateFactory)ActivatorUtilities.CreateInstance(services, type),
            _ => new PersistentStateFactory(),
        });
    }
}
