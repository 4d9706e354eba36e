using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Tests.Catalog;

/// <summary>
/// What a test hands a connector: the catalog's <see cref="OperationRequest"/> for a payload, made the one way
/// production makes it (<see cref="IConnectorCatalog.Validate"/>).
/// </summary>
internal static class ValidatedRequests
{
    private static readonly ConnectorCatalog Catalog = new();

    /// <summary>The validated request; a payload the catalog refuses fails the test with the refused field.</summary>
    public static OperationRequest For(string systemType, string operation, string payloadJson)
    {
        using var document = JsonDocument.Parse(payloadJson);
        var result = Catalog.Validate(systemType, operation, document.RootElement);
        return result.Request
            ?? throw new ArgumentException($"The catalog refused the test's {systemType} {operation} payload (field '{result.Field}').", nameof(payloadJson));
    }
}
