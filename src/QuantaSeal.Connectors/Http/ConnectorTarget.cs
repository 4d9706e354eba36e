namespace QuantaSeal.Connectors.Http;

/// <summary>
/// Where a connector sends its calls: the base URI derived from an integration's <c>domain</c> after it passed the
/// outbound host policy. Only the policy creates these (<see cref="UpstreamHostPolicy.TryCreateTarget"/>).
/// </summary>
/// <param name="SystemType"><c>auth0</c> or <c>okta</c>.</param>
/// <param name="BaseUri">Scheme, host and port, no path (e.g. <c>https://acme.us.auth0.com/</c>).</param>
public sealed record ConnectorTarget(string SystemType, Uri BaseUri);
