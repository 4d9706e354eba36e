using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Features.Tenants;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Integrations;

/// <summary>POST /api/v2/integrations.</summary>
internal sealed record CreateIntegrationRequest(string? SystemType, string? Name, string? Domain, string? CredentialId, IReadOnlyList<string>? AllowedOperations);

/// <summary>PATCH /api/v2/integrations/{id}.</summary>
internal sealed record UpdateIntegrationRequest(string? Name, IReadOnlyList<string>? AllowedOperations, string? CredentialId);

/// <summary>Integrations: configuration and the default-deny operation allowlist (empty = nothing allowed).</summary>
internal static class IntegrationEndpoints
{
    private const string Prefix = Ids.Integration;

    public static IEndpointRouteBuilder MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapTenantGroup("/api/v2/integrations", "Integrations", ScopePolicies.Admin);
        group.MapPost("/", CreateAsync).WithAuditAction(AuditActions.IntegrationCreate).WithName("CreateIntegration")
            .WithSummary("Create an integration (system_type auth0|okta) with a default-deny allowed_operations list.")
            .Accepts<CreateIntegrationRequest>("application/json").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/", ListAsync).WithAuditAction(AuditActions.IntegrationRead).WithName("ListIntegrations");
        group.MapGet("/{integrationId}", GetAsync).WithAuditAction(Target(AuditActions.IntegrationRead)).WithName("GetIntegration").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{integrationId}", UpdateAsync).WithAuditAction(Target(AuditActions.IntegrationUpdate)).WithName("UpdateIntegration")
            .Accepts<UpdateIntegrationRequest>("application/json").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{integrationId}", DeleteAsync).WithAuditAction(Target(AuditActions.IntegrationDelete)).WithName("DeleteIntegration").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{integrationId}/check", CheckAsync).WithAuditAction(Target(AuditActions.IntegrationCheck)).WithName("CheckIntegrationConnection")
            .WithSummary("Acquire a fresh upstream token and report the granted scopes (and any the allowed operations miss).").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>An integration endpoint's audit action; its target (object and integration) is the route's integration id.</summary>
    private static AuditActionMetadata Target(string action) => new(action, "integrationId", Prefix, TargetIsIntegration: true);

    private static async Task<Results<Created<IntegrationInfo>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateIntegrationRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.AllowedOperations is null)
        {
            return Problems.Validation("allowed_operations", "'allowed_operations' is required (an empty list allows nothing).");
        }

        var id = Ids.New(Prefix);
        // The grain records integration.create (intent before anything is stored, outcome after) or its refusal.
        var info = await grains.GetGrain<IIntegrationGrain>(id).CreateAsync(
            new CreateIntegrationCommand(body.SystemType ?? string.Empty, body.Name ?? string.Empty, body.Domain ?? string.Empty, body.CredentialId ?? string.Empty, body.AllowedOperations),
            cancellationToken);
        return TypedResults.Created($"/api/v2/integrations/{id}", info);
    }

    private static async Task<Ok<ListResponse<IntegrationInfo>>> ListAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var tenantId = CallerContext.From(http.User).TenantId;
        var ids = await grains.GetGrain<ITenantDirectoryGrain>(tenantId).ListAsync(Prefix, cancellationToken);
        var infos = await Task.WhenAll(ids.Select(id => grains.GetGrain<IIntegrationGrain>(id).GetAsync(cancellationToken)));
        return TypedResults.Ok(new ListResponse<IntegrationInfo>([.. infos.OfType<IntegrationInfo>()]));
    }

    private static async Task<Results<Ok<IntegrationInfo>, ProblemHttpResult>> GetAsync(string integrationId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var info = Ids.IsValid(integrationId, Prefix) ? await grains.GetGrain<IIntegrationGrain>(integrationId).GetAsync(cancellationToken) : null;
        return info is null ? Problems.NotFound("integration") : TypedResults.Ok(info);
    }

    private static async Task<Results<Ok<IntegrationInfo>, ProblemHttpResult>> UpdateAsync(string integrationId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(integrationId, Prefix) || await grains.GetGrain<IIntegrationGrain>(integrationId).GetAsync(cancellationToken) is null)
        {
            return Problems.NotFound("integration");
        }

        var (body, problem) = await JsonBody.ReadAsync<UpdateIntegrationRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var info = await grains.GetGrain<IIntegrationGrain>(integrationId).UpdateAsync(new UpdateIntegrationCommand(body!.Name, body.AllowedOperations, body.CredentialId), cancellationToken);
        return TypedResults.Ok(info);
    }

    private static async Task<Results<Ok<IntegrationInfo>, ProblemHttpResult>> DeleteAsync(string integrationId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(integrationId, Prefix))
        {
            return Problems.NotFound("integration");
        }

        // An unknown integration is refused (and recorded) by the grain; the exception handler answers 404.
        return TypedResults.Ok(await grains.GetGrain<IIntegrationGrain>(integrationId).DeleteAsync(cancellationToken));
    }

    private static async Task<Results<Ok<ConnectionCheck>, ProblemHttpResult>> CheckAsync(string integrationId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(integrationId, Prefix) || await grains.GetGrain<IIntegrationGrain>(integrationId).GetAsync(cancellationToken) is null)
        {
            return Problems.NotFound("integration");
        }

        // The grain records integration.check (success or failed) once the check is done.
        return TypedResults.Ok(await grains.GetGrain<IIntegrationGrain>(integrationId).CheckConnectionAsync(cancellationToken));
    }
}
