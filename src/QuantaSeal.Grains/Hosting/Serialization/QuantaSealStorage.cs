using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Providers;
using Orleans.Storage;

namespace QuantaSeal.Grains.Hosting.Serialization;

/// <summary>
/// The grain storage provider QuantaSeal grains use, and the conventions every backing store shares: the JSON
/// state serializer, "quantaseal" doubling as the default provider, and grain-type-scoped state names.
/// </summary>
internal static class QuantaSealStorage
{
    /// <summary>Name of the grain storage provider (<c>[PersistentState("...", QuantaSealStorage.Name)]</c>).</summary>
    internal const string Name = StorageNames.QuantaSeal;

    /// <summary>
    /// Registers what <c>UseQuantaSealPostgres</c> and <c>UseQuantaSealInMemory</c> share. Call after the provider
    /// named <see cref="Name"/> is registered.
    /// </summary>
    internal static void AddStateConventions(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<QuantaSealGrainStateSerializer>();

        // "Default" is an alias of the same provider instance (one set of options, one initialisation), so grains
        // that name no provider land in the same table with the same serializer.
        services.AddKeyedSingleton<IGrainStorage>(
            ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(Name));
        services.TryAddSingleton<IGrainStorage>(
            sp => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));

        services.Replace(ServiceDescriptor.Singleton<IPersistentStateFactory, GrainTypeScopedPersistentStateFactory>());
    }
}
