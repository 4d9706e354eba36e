using System.Text.Json;

namespace QuantaSeal.Connectors.Catalog;

/// <summary>The catalog of every connector's operations (Auth0 and Okta).</summary>
public sealed class ConnectorCatalog : IConnectorCatalog
{
    private static readonly Dictionary<string, IReadOnlyList<OperationDescriptor>> BySystem =
        new Dictionary<string, IReadOnlyList<OperationDescriptor>>(StringComparer.Ordinal)
        {
            ["auth0"] = Auth0Catalog.Operations,
            ["okta"] = OktaCatalog.Operations,
        };

    /// <inheritdoc/>
    public IReadOnlyList<string> SystemTypes { get; } = ["auth0", "okta"];

    /// <inheritdoc/>
    public IReadOnlyList<OperationDescriptor> Operations(string systemType) =>
        BySystem.TryGetValue(systemType, out var operations) ? operations : [];

    /// <inheritdoc/>
    public bool TryGetOperation(string systemType, string operation, out OperationDescriptor descriptor)
    {
        descriptor = Operations(systemType).FirstOrDefault(o => string.Equals(o.Name, operation, StringComparison.Ordinal))!;
        return descriptor is not null;
    }

    /// <inheritdoc/>
    public PayloadValidationResult Validate(string systemType, string operation, JsonElement? payload) => systemType switch
    {
        "auth0" => Auth0Catalog.Validate(operation, payload),
        "okta" => OktaCatalog.Validate(operation, payload),
        _ => PayloadValidationResult.Invalid("system_type", "Unknown system type."),
    };
}
