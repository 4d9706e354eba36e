using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace QuantaSeal.Grains.Hosting.Serialization;

/// <summary>
/// The grain storage provider QuantaSeal grains use, and the conventions every backing store shares: the JSON
/// state serializer and grain-type-scoped state names, both confined to the provider named <see cref="Name"/>.
/// </summary>
/// <remarks>
/// QuantaSeal registers no <c>Default</c> storage provider: every QuantaSeal grain names <see cref="Name"/>, so a silo
/// that hosts QuantaSeal next to its own grains keeps its own default provider (or has none).
/// </remarks>
internal static class QuantaSealStorage
{
    /// <summary>Name of the grain storage provider (<c>[PersistentState("...", QuantaSealStorage.Name)]</c>).</summary>
    internal const string Name = StorageNames.QuantaSeal;

    /// <summary>
    /// Registers what every QuantaSeal storage provider shares: the JSON serializer it is configured with and the
    /// state naming of <see cref="QuantaSealPersistentStateFactory"/> (QuantaSeal's provider only). Idempotent.
    /// </summary>
    internal static void AddStateConventions(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<QuantaSealGrainStateSerializer>();
        QuantaSealPersistentStateFactory.Decorate(services);
    }
}
