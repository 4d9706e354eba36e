namespace QuantaSeal.Client.Connectors;

/// <summary>An operation of the connector catalog.</summary>
/// <param name="Name">Operation name (e.g. <c>get_users</c>).</param>
/// <param name="Method">Upstream HTTP method.</param>
/// <param name="Path">Upstream path template.</param>
/// <param name="Summary">What it does.</param>
/// <param name="IsWrite">Whether it changes the upstream.</param>
/// <param name="RequiredScopes">Upstream scopes it needs.</param>
/// <param name="Payload">Payload fields.</param>
public sealed record ConnectorOperation(string Name, string Method, string Path, string Summary, bool IsWrite, IReadOnlyList<string> RequiredScopes, IReadOnlyList<ConnectorPayloadField> Payload);
