namespace QuantaSeal.Connectors.Catalog;

/// <summary>One proxy operation of a connector: what it calls upstream and which payload it takes.</summary>
/// <param name="SystemType"><c>auth0</c> or <c>okta</c>.</param>
/// <param name="Name">Operation name (e.g. <c>get_users</c>).</param>
/// <param name="HttpMethod">Upstream HTTP method.</param>
/// <param name="PathTemplate">Upstream path template, e.g. <c>/api/v2/users/{id}</c>.</param>
/// <param name="Summary">One line for humans (shown by <c>GET /api/v2/connectors</c>).</param>
/// <param name="IsWrite">Whether the operation changes upstream state (never retried automatically).</param>
/// <param name="Fields">The payload fields it accepts; anything else is rejected.</param>
/// <param name="RequiredScopes">Upstream scopes the operation needs (Auth0 <c>read:users</c>, Okta <c>okta.users.read</c>).</param>
public sealed record OperationDescriptor(
    string SystemType,
    string Name,
    string HttpMethod,
    string PathTemplate,
    string Summary,
    bool IsWrite,
    IReadOnlyList<PayloadFieldDescriptor> Fields,
    IReadOnlyList<string> RequiredScopes);
