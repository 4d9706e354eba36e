namespace QuantaSeal.Grains.Hosting.Serialization;

/// <summary>
/// Stores <c>[PersistentState("tenant")]</c> of grain type <c>qs.tenant</c> under the state name
/// <c>qs.tenant/tenant</c>.
/// </summary>
/// <remarks>
/// Orleans hands a storage provider only the state name and the grain key, not the grain type. The ADO.NET
/// provider keys rows by (service, state name, key), so two grain types that use the same state name and the same
/// key - e.g. a tenant grain and an audit-chain grain both keyed by the tenant id - would otherwise read and
/// overwrite each other's state. Prefixing the pinned grain type (<c>[GrainType("qs.…")]</c>, see STYLE 2.9) makes
/// the name unique and, because the grain type is pinned, stable across class renames.
/// </remarks>
internal sealed class GrainTypeScopedPersistentStateFactory : PersistentStateFactory
{
    /// <inheritdoc/>
    protected override string GetFullStateName(IGrainContext context, IPersistentStateConfiguration cfg)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cfg);
        return $"{context.GrainId.Type}/{cfg.StateName}";
    }
}
