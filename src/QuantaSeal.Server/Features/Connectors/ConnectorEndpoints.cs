using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Connectors;

/// <summary>GET /api/v2/connectors: systems, their operations, payload fields and upstream scopes.</summary>
internal static class ConnectorEndpoints
{
    public static IEndpointRouteBuilder MapConnectorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/connectors", (IConnectorCatalog catalog) => TypedResults.Ok(new
        {
            data = catalog.SystemTypes.Select(s => new
            {
                system_type = s,
                operations = catalog.Operations(s).Select(o => new
                {
                    name = o.Name,
                    method = o.HttpMethod,
                    path = o.PathTemplate,
                    summary = o.Summary,
                    is_write = o.IsWrite,
                    required_scopes = o.RequiredScopes,
                    payload = o.Fields.Select(f => new { name = f.Name, type = f.Type, required = f.Required, description = f.Description }),
                }),
            }),
        }))
            .RequireAuthorization(ScopePolicies.Authenticated)
            .WithTags("Connectors")
            .WithName("ListConnectors")
            .WithSummary("Connector systems, operations, payload shapes and the upstream scopes each operation needs.");
        return app;
    }
}
