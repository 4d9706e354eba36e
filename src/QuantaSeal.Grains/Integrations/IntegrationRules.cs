using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// The rules an integration's configuration must meet (DESIGN §9: a rejected request changes nothing). Each check
/// throws a <see cref="QuantaSealValidationException"/> naming the field, before anything is changed or audited as an
/// intent; the integration grain runs them, the credential check last (it asks the credential grain).
/// </summary>
internal static class IntegrationRules
{
    /// <summary>The most operations one integration's allowlist may name.</summary>
    internal const int MaxAllowedOperations = 64;

    /// <summary>A system type the catalog knows.</summary>
    public static string RequireSystemType(IConnectorCatalog catalog, string? systemType) =>
        systemType is not null && catalog.SystemTypes.Contains(systemType, StringComparer.Ordinal)
            ? systemType
            : throw new QuantaSealValidationException("system_type", $"'system_type' must be one of: {string.Join(", ", catalog.SystemTypes)}.");

    /// <summary>A domain the outbound host policy allows for the system type, trimmed.</summary>
    public static string RequireDomain(UpstreamHostPolicy hostPolicy, string systemType, string? domain) =>
        hostPolicy.TryCreateTarget(systemType, domain, out _, out var error)
            ? domain!.Trim()
            : throw new QuantaSealValidationException("domain", error!);

    /// <summary>At most <see cref="MaxAllowedOperations"/> operations of the system type, without duplicates (none given = none allowed).</summary>
    public static IReadOnlyList<string> RequireOperations(IConnectorCatalog catalog, string systemType, IReadOnlyList<string>? operations)
    {
        if (operations is null)
        {
            return [];
        }

        if (operations.Count > MaxAllowedOperations)
        {
            throw new QuantaSealValidationException("allowed_operations", $"'allowed_operations' may name at most {MaxAllowedOperations} operations.");
        }

        foreach (var operation in operations)
        {
            if (!catalog.TryGetOperation(systemType, operation ?? string.Empty, out _))
            {
                throw new QuantaSealValidationException("allowed_operations", $"'allowed_operations' contains an operation {systemType} does not have; see GET /api/v2/connectors.");
            }
        }

        return [.. operations.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A well-formed credential id (whether it exists and fits is the credential grain's to say).</summary>
    public static string RequireCredentialId(string? credentialId) =>
        Ids.IsValid(credentialId, Ids.Credential)
            ? credentialId!
            : throw new QuantaSealValidationException("credential_id", "'credential_id' must be the id of a sealed credential (cred_...).");
}
