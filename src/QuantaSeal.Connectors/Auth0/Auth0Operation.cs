using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// One Auth0 Management API v2 operation: the single definition that both the catalog (descriptor, validation) and
/// the connector (method, path, query and body mapping) read, so the two can never disagree.
/// </summary>
/// <param name="Name">Proxy operation name (<c>get_users</c>).</param>
/// <param name="Method">Upstream HTTP method.</param>
/// <param name="PathTemplate">Upstream path with <c>{placeholders}</c> filled from <see cref="Auth0FieldLocation.Path"/> fields.</param>
/// <param name="Summary">One line for humans.</param>
/// <param name="Scopes">Management API scopes the operation needs (requested at token time).</param>
/// <param name="Fields">Every payload field the operation accepts; anything else is rejected.</param>
/// <param name="Rule">Cross-field rules, run after every field passed; null when valid.</param>
internal sealed record Auth0Operation(
    string Name,
    HttpMethod Method,
    string PathTemplate,
    string Summary,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<Auth0PayloadField> Fields,
    Func<JsonElement, PayloadValidationResult?>? Rule = null)
{
    /// <summary>Whether the operation changes upstream state (never retried automatically).</summary>
    public bool IsWrite => Method != HttpMethod.Get;

    /// <summary>The public descriptor.</summary>
    public OperationDescriptor Descriptor { get; } = new(
        "auth0",
        Name,
        Method.Method,
        PathTemplate,
        Summary,
        Method != HttpMethod.Get,
        [.. Fields.Select(f => new PayloadFieldDescriptor(f.Name, f.JsonType, f.Required, f.Description))],
        Scopes);
}
