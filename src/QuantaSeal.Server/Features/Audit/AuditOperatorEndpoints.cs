using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Audit;

/// <summary>
/// <c>/api/v2/operator/audit</c> (operator key): the re-drive of the audit queue's dead letters. A dead letter holds
/// acknowledged events that are not in their tenant's chain (DESIGN §7); once the cause is fixed, the operator moves them
/// back into the queue and their chains take them (events already chained are recognised by id and dropped).
/// </summary>
internal static partial class AuditOperatorEndpoints
{
    private const int DefaultLimit = 10_000;
    private const int MaxLimit = 100_000;

    public static IEndpointRouteBuilder MapAuditOperatorEndpoints(this IEndpointRouteBuilder app, string connectionString)
    {
        app.MapPost("/api/v2/operator/audit/redrive", (HttpContext http, OperatorKeyVerifier operatorKey, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                RedriveAsync(http, operatorKey, connectionString, loggers.CreateLogger("QuantaSeal.Server.Features.Audit.AuditOperatorEndpoints"), cancellationToken))
            .WithName("RedriveAuditDeadLetters")
            .WithSummary("Move audit dead letters (optionally one tenant's, query tenant_id; at most limit messages) back into the audit queue.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Ok<AuditRedriveResponse>, ProblemHttpResult>> RedriveAsync(HttpContext http, OperatorKeyVerifier operatorKey, string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        if (operatorKey.Refuse(http) is { } refusal)
        {
            return refusal;
        }

        string? tenantId = http.Request.Query["tenant_id"];
        if (tenantId is not null && !Ids.IsValid(tenantId, Ids.Tenant))
        {
            return Problems.Validation("tenant_id", "tenant_id must be a tenant id (ten_ followed by a ULID).");
        }

        var limit = DefaultLimit;
        if (http.Request.Query["limit"] is { Count: > 0 } given
            && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return Problems.Validation("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        var (messages, events) = await AuditStreamDiagnostics.RedriveAsync(connectionString, tenantId, limit, cancellationToken);
        Log.Redriven(logger, messages, events, tenantId ?? "(all)");
        return TypedResults.Ok(new AuditRedriveResponse(messages, events));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7212, Level = LogLevel.Warning, Message = "Operator re-drove {Messages} audit dead letters ({Events} events) of tenant {TenantId} back into the audit queue")]
        public static partial void Redriven(ILogger logger, long messages, long events, string tenantId);
    }
}

/// <summary>POST /api/v2/operator/audit/redrive: what was moved back into the audit queue.</summary>
/// <param name="Messages">Dead letters moved (queue messages).</param>
/// <param name="Events">Audit events they hold.</param>
internal sealed record AuditRedriveResponse(long Messages, long Events);
