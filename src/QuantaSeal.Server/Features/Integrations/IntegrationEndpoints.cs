using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Features.Tenants;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Integrations;

/// <summary>POST /api/v2/integrations.</summary>
internal sealed record CreateIntegrationRequest(string? SystemType, string? Name, string? Domain, string? CredentialId, IReadOnlyList<string>? AllowedOperations);

/// <summary>PATCH /api/v2/integrations/{id}.</summary>
internal sealed record UpdateIntegrationRequest(string? Name, IReadOnlyList<string>? AllowedOperations, string? CredentialId);

/// <summary>Integrations: configuration and the default-deny operation allowlist (empty = nothing allowed).</summary>
internal static partial class IntegrationEndpoints
{
    private const string Prefix = Ids.Integration;

    public static IEndpointRouteBuilder MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/integrations")
            .WithTags("Integrations")
            .RequireAuthorization(ScopePolicies.Admin)
            .AddEndpointFilter(CallerContext.StampTenantAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
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

    private static async Task<Results<Created<IntegrationInfo>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains, EdgeAudit audit, ILoggerFactory loggers, CancellationToken cancellationToken)
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
        var info = await grains.GetGrain<IIntegrationGrain>(id).CreateAsync(
            new CreateIntegrationCommand(body.SystemType ?? string.Empty, body.Name ?? string.Empty, body.Domain ?? string.Empty, body.CredentialId ?? string.Empty, body.AllowedOperations),
            cancellationToken);
        try
        {
            await audit.PublishAsync(http, AuditActions.IntegrationCreate, AuditOutcomes.Success, id, id, cancellationToken: cancellationToken);
        }
        catch (Exception ex)
        {
            // Fail closed (503) and change nothing (DESIGN §9): an integration whose creation is not in the audit chain
            // must not live on, holding its credential and able to proxy, under an id the caller never received. The
            // undo is not audited: neither the creation nor its undoing reached the chain. If the undo fails too, the
            // caller still gets the audit failure; the operator log has both exception types and no message.
            await UndoCreateAsync(grains, id, ex, loggers.CreateLogger(typeof(IntegrationEndpoints).FullName!));
            throw;
        }

        return TypedResults.Created($"/api/v2/integrations/{id}", info);
    }

    private static async Task UndoCreateAsync(IGrainFactory grains, string integrationId, Exception original, ILogger logger)
    {
        var originalType = original.GetType();
        try
        {
            // Not the request's token: a cancelled request must still be undone.
            await grains.GetGrain<IIntegrationGrain>(integrationId).DeleteAsync(CancellationToken.None);
            Log.CreateUndone(logger, integrationId, originalType);
        }
        catch (Exception ex)
        {
            Log.CreateUndoFailed(logger, integrationId, originalType, ex.GetType());
        }
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

    private static async Task<Results<Ok<IntegrationInfo>, ProblemHttpResult>> UpdateAsync(string integrationId, HttpContext http, IGrainFactory grains, EdgeAudit audit, CancellationToken cancellationToken)
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
        await audit.PublishAsync(http, AuditActions.IntegrationUpdate, AuditOutcomes.Success, integrationId, integrationId, cancellationToken: cancellationToken);
        return TypedResults.Ok(info);
    }

    private static async Task<Results<Ok<IntegrationInfo>, ProblemHttpResult>> DeleteAsync(string integrationId, HttpContext http, IGrainFactory grains, EdgeAudit audit, CancellationToken cancellationToken)
    {
        var info = Ids.IsValid(integrationId, Prefix) ? await grains.GetGrain<IIntegrationGrain>(integrationId).DeleteAsync(cancellationToken) : null;
        if (info is null)
        {
            return Problems.NotFound("integration");
        }

        await audit.PublishAsync(http, AuditActions.IntegrationDelete, AuditOutcomes.Success, integrationId, integrationId, cancellationToken: cancellationToken);
        return TypedResults.Ok(info);
    }

    private static async Task<Results<Ok<ConnectionCheck>, ProblemHttpResult>> CheckAsync(string integrationId, HttpContext http, IGrainFactory grains, EdgeAudit audit, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(integrationId, Prefix) || await grains.GetGrain<IIntegrationGrain>(integrationId).GetAsync(cancellationToken) is null)
        {
            return Problems.NotFound("integration");
        }

        var check = await grains.GetGrain<IIntegrationGrain>(integrationId).CheckConnectionAsync(cancellationToken);
        await audit.PublishAsync(http, AuditActions.IntegrationCheck, check.Ok ? AuditOutcomes.Success : AuditOutcomes.Failed, integrationId, integrationId, cancellationToken: cancellationToken);
        return TypedResults.Ok(check);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Integration {IntegrationId} was deleted again: its creation could not be audited ({ExceptionType})")]
        public static partial void CreateUndone(ILogger logger, string integrationId, Type exceptionType);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Integration {IntegrationId} could not be deleted after its creation failed to be audited ({ExceptionType}); the delete failed with {UndoExceptionType}")]
        public static partial void CreateUndoFailed(ILogger logger, string integrationId, Type exceptionType, Type undoExceptionType);
    }
}
