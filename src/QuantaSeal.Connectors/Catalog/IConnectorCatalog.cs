namespace QuantaSeal.Connectors.Catalog;

/// <summary>Every system type, its operations and their payload rules.</summary>
public interface IConnectorCatalog
{
    /// <summary>Known system types (<c>auth0</c>, <c>okta</c>).</summary>
    IReadOnlyList<string> SystemTypes { get; }

    /// <summary>The operations of a system type (empty for an unknown one).</summary>
    IReadOnlyList<OperationDescriptor> Operations(string systemType);

    /// <summary>Looks an operation up.</summary>
    bool TryGetOperation(string systemType, string operation, out OperationDescriptor descriptor);

    /// <summary>
    /// Validates a proxy payload (null = none given) for an operation before any upstream call. When it is valid the
    /// result carries the <see cref="OperationRequest"/> a connector executes: the only way to make one.
    /// </summary>
    PayloadValidationResult Validate(string systemType, string operation, System.Text.Json.JsonElement? payload);
}
