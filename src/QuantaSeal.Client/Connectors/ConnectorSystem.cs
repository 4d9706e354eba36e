namespace QuantaSeal.Client.Connectors;

/// <summary>A system of the connector catalog.</summary>
/// <param name="SystemType"><c>auth0</c> or <c>okta</c>.</param>
/// <param name="Operations">Its operations.</param>
public sealed record ConnectorSystem(string SystemType, IReadOnlyList<ConnectorOperation> Operations);
