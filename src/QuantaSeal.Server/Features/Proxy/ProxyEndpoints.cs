using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Proxy;

/// <summary>POST /api/v2/proxy/outbound.</summary>
internal sealed record ProxyRequest(string? IntegrationId, string? Operation, JsonElement? Payload, string? RecipientKeyId);

/// <summary>
/// The proxy: policy check, payload validation, upstream call, and the answer as a HybridCryptoEnvelope v2, bound to
/// the request hash (<see cref="EnvelopeRequestHash.ForProxy"/>) and carrying its <c>paging</c> and <c>rate_limit</c> under
/// its signatures. Success is 200 with the envelope. A refusal before any upstream call is problem+json (400/403, or 502 when the integration's
/// stored domain is no longer on the outbound allowlist) with <c>success:false</c>, <c>error</c> and
/// <c>audit_event_id</c>. An upstream failure is problem+json (502; 429 with Retry-After; 504) that
/// also carries the envelope's members (its signed <c>error</c> included), whose encrypted payload holds the upstream
/// error body.
/// The integration grain records the <c>proxy.outbound</c> events of every call it handles (a write: intent and
/// outcome; a read or a refusal: one event, before anything leaves); a call refused here before or around the grain
/// (bad integration id, another tenant's integration, missing operation, bad payload, wrong scope) gets one
/// <c>denied</c> event from the endpoint filter, naming what was checked so far (a <see cref="Refusal"/>), and a
/// refusal's problem carries its <c>audit_event_id</c>.
/// </summary>
internal static class ProxyEndpoints
{
    public static IEndpointRouteBuilder MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/proxy/outbound", ProxyAsync)
            .RequireAuthorization(ScopePolicies.Proxy)
            .AddEndpointFilter(CallerContext.StampTenantAsync)
            .WithAuditAction(new AuditActionMetadata(AuditActions.ProxyOutbound, ReturnsEventId: true))
            .WithTags("Proxy")
            .WithName("ProxyOutbound")
            .WithSummary("Run an allowed operation on an integration; the answer is a HybridCryptoEnvelope to your recipient key.")
            .WithDescription("The answer is a HybridCryptoEnvelope v2 (docs/envelope-v2.md): request_sha256 (SHA-256 of integration_id, operation and "
                + "the payload text as sent), issued_at, and the paging, rate_limit and error members are covered by both signatures. "
                + "Verify them before use; an upstream failure's problem document carries the same members.")
            .Accepts<ProxyRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, Refusal>> ProxyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<ProxyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Ids.IsValid(body!.IntegrationId, Ids.Integration))
        {
            return Problems.NotFound("integration");
        }

        // Refusals made here name what was checked so far in their denied event (the endpoint filter records it).
        if (string.IsNullOrWhiteSpace(body.Operation) || body.Operation.Length > 64)
        {
            return new Refusal(Problems.Validation("operation", "'operation' is required (see GET /api/v2/connectors)."), new RefusalTarget(IntegrationId: body.IntegrationId));
        }

        if (body.Payload is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return new Refusal(Problems.Validation("payload", "'payload' must be a JSON object."), new RefusalTarget(IntegrationId: body.IntegrationId, Operation: body.Operation));
        }

        var caller = CallerContext.From(http.User);
        var payloadJson = body.Payload is { ValueKind: JsonValueKind.Object } p ? p.GetRawText() : null;
        // The payload's JSON text as it arrived (no re-serialisation), so the client can compute the same hash from what it sent.
        var requestHash = EnvelopeRequestHash.ForProxy(body.IntegrationId!, body.Operation, payloadJson);
        var grain = grains.GetGrain<IIntegrationGrain>(body.IntegrationId!);
        ProxyResult result;
        try
        {
            result = await grain.ProxyAsync(new ProxyCommand(body.Operation, payloadJson, body.RecipientKeyId, caller.ApiKeyId, requestHash), cancellationToken);
        }
        catch (TenantAccessDeniedException)
        {
            // Another tenant's (or no) integration: the same 404 the exception handler would give, answered here so
            // the refusal's problem carries its audit_event_id like every other proxy refusal.
            return new Refusal(Problems.NotFound("integration"), new RefusalTarget(IntegrationId: body.IntegrationId, Operation: body.Operation, RequestSha256: requestHash));
        }

        // The grain recorded this call's events (allowed, denied or failed) and returns the id of the last one; a
        // refusal's problem already carries it.
        return ToHttp(http, result).Result switch
        {
            ContentHttpResult text => text,
            ProblemHttpResult refused => Refusal.Recorded(refused, result.AuditEventId),
            var other => throw new InvalidOperationException($"Unexpected proxy answer {other.GetType().Name}."),
        };
    }

    private static Results<ContentHttpResult, ProblemHttpResult> ToHttp(HttpContext http, ProxyResult result)
    {
        if (result.Success)
        {
            // The sealer's v2 envelope already holds paging and rate_limit, under its signatures: sent as it is.
            return TypedResults.Text(result.EnvelopeJson!, "application/json");
        }

        var (status, type, title) = result.ErrorType switch
        {
            ProxyErrorTypes.OperationNotAllowed => (StatusCodes.Status403Forbidden, ProblemTypes.OperationNotAllowed, "The operation is not allowed for this integration."),
            ProxyErrorTypes.NoRecipientKey => (StatusCodes.Status409Conflict, ProblemTypes.NoRecipientKey, "No matching active recipient key."),
            ProxyErrorTypes.UnknownOperation or ProxyErrorTypes.InvalidPayload => (StatusCodes.Status400BadRequest, ProblemTypes.ValidationFailed, "The request is invalid."),
            ProxyErrorTypes.RateLimited => (StatusCodes.Status429TooManyRequests, ProblemTypes.UpstreamRateLimited, "The upstream rate-limited the call."),
            ProxyErrorTypes.Timeout => (StatusCodes.Status504GatewayTimeout, ProblemTypes.UpstreamTimeout, "The upstream did not answer in time."),
            _ => (StatusCodes.Status502BadGateway, ProblemTypes.UpstreamError, "The upstream call failed."),
        };
        var problem = Problems.Create(status, type, title, result.ErrorMessage);
        problem.Extensions["success"] = false;
        problem.Extensions["audit_event_id"] = result.AuditEventId;
        if (result.ErrorField is not null)
        {
            problem.Extensions["field"] = result.ErrorField;
        }

        if (result.EnvelopeJson is not null)
        {
            // An upstream failure carries the v2 envelope: its members are copied as they are, so the problem's
            // error, paging and rate_limit are exactly the ones both signatures cover (docs/envelope-v2.md).
            var envelope = JsonNode.Parse(result.EnvelopeJson)!.AsObject();
            foreach (var member in EnvelopeMembers)
            {
                if (envelope[member] is { } value)
                {
                    problem.Extensions[member] = value.DeepClone();
                }
            }
        }
        else
        {
            // Refused before any upstream call: nothing was sealed, so nothing here is signed.
            var error = new JsonObject { ["type"] = result.ErrorType, ["message"] = result.ErrorMessage };
            if (result.UpstreamStatus is { } upstreamStatus)
            {
                error["upstream_status"] = upstreamStatus;
            }

            problem.Extensions["error"] = error;
        }

        if (result.RetryAfterSeconds is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>The envelope members a problem document carries next to its own (all but <c>success</c> and <c>audit_event_id</c>, set above).</summary>
    private static readonly string[] EnvelopeMembers = ["version", "encrypted", "signature", "request_sha256", "issued_at", "error", "paging", "rate_limit"];
}
