using System.Text.Json;
using QuantaSeal.Connectors.Auth0;

namespace QuantaSeal.Connectors.Catalog;

/// <summary>
/// The Auth0 operations and their payload rules (system type <c>auth0</c>). Payloads are flat JSON objects whose
/// members map one-to-one onto the Auth0 Management API v2 request (query parameters, the <c>{id}</c> path segment as
/// <c>user_id</c>, or body members), with two exceptions: <c>create_user</c>'s payload is the Auth0 POST body itself,
/// and <c>update_user</c> is <c>{user_id, changes:{...}}</c> where <c>changes</c> is the PATCH body.
/// <list type="table">
/// <listheader><term>operation</term><description>upstream call, payload, scope</description></listheader>
/// <item><term>get_users</term><description>GET /api/v2/users {q?, search_engine? (v3), fields?, include_fields?, sort?, page?, per_page? (1..100), include_totals?, primary_order?}; page×per_page+per_page ≤ 1000; read:users</description></item>
/// <item><term>get_user</term><description>GET /api/v2/users/{id} {user_id, fields?, include_fields?}; read:users</description></item>
/// <item><term>create_user</term><description>POST /api/v2/users {connection, email or phone_number, password?, username?, user_id?, given_name?, family_name?, name?, nickname?, picture?, blocked?, email_verified?, phone_verified?, verify_email?, user_metadata?, app_metadata?}; create:users</description></item>
/// <item><term>update_user</term><description>PATCH /api/v2/users/{id} {user_id, changes:{...}}; update:users</description></item>
/// <item><term>delete_user</term><description>DELETE /api/v2/users/{id} {user_id}; delete:users</description></item>
/// <item><term>get_logs</term><description>GET /api/v2/logs {q?, fields?, include_fields?, sort?, page?, per_page?, include_totals?} or checkpoint {from?, take? (1..100)}; read:logs</description></item>
/// <item><term>get_users_by_email</term><description>GET /api/v2/users-by-email {email, fields?, include_fields?}; read:users</description></item>
/// <item><term>get_user_logs</term><description>GET /api/v2/users/{id}/logs {user_id, page?, per_page?, sort?, include_totals?}; read:logs</description></item>
/// <item><term>get_clients</term><description>GET /api/v2/clients {fields?, include_fields?, page?, per_page?, include_totals?, is_global?, is_first_party?, app_type?}; read:clients</description></item>
/// <item><term>get_client_grants</term><description>GET /api/v2/client-grants {audience?, client_id?, page?, per_page?, include_totals?}; read:client_grants</description></item>
/// <item><term>get_resource_servers</term><description>GET /api/v2/resource-servers {identifiers? (array ≤ 10), page?, per_page?, include_totals?}; read:resource_servers</description></item>
/// <item><term>get_roles</term><description>GET /api/v2/roles {name_filter?, page?, per_page?, include_totals?}; read:roles</description></item>
/// <item><term>get_connections</term><description>GET /api/v2/connections {strategy? (array ≤ 10), name?, fields?, include_fields?, page?, per_page?, include_totals?}; read:connections</description></item>
/// <item><term>get_actions</term><description>GET /api/v2/actions/actions {triggerId?, actionName?, deployed?, installed?, page?, per_page?}; read:actions</description></item>
/// </list>
/// Unknown or duplicate members, wrong types and out-of-range values are rejected with the field's name (dotted for
/// <c>changes.*</c>); messages never echo a value.
/// </summary>
internal static class Auth0Catalog
{
    /// <summary>The Auth0 operations, in catalog order.</summary>
    public static IReadOnlyList<OperationDescriptor> Operations { get; } = [.. Auth0Operations.All.Select(o => o.Descriptor)];

    /// <summary>Validates a payload (null = none given) for an Auth0 operation; never throws.</summary>
    public static PayloadValidationResult Validate(string operation, JsonElement? payload)
    {
        if (operation is null || !Auth0Operations.ByName.TryGetValue(operation, out var definition))
        {
            return PayloadValidationResult.Invalid("operation", "'operation' is not an Auth0 operation.");
        }

        return Auth0PayloadValidator.Validate(definition, payload);
    }
}
