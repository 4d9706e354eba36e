using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Proxy;

/// <summary>POST /api/v2/proxy/outbound.</summary>
internal sealed record ProxyRequest(string? IntegrationId, string? Operation, JsonElement? Payload, string? RecipientKeyId);

/// <summary>
/// The proxy: policy check, payload validation, upstream call, and the answer as a HybridCryptoEnvelope. Success is
/// 200 with the envelope. A refusal before any upstream call is problem+json (400/403, or 502 when the integration's
/// stored domain is no longer on the outbound allowlist) with <c>success:false</c>, <c>error</c> and
/// <c>audit_event_id</c>. An upstream failure is problem+json (502; 429 with Retry-After; 504) that
/// also carries the envelope, whose encrypted payload holds the upstream error body.
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

    private static async Task<Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult, Refusal>> ProxyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
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
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{body.IntegrationId}\n{body.Operation}\n{payloadJson}")));
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
            FileContentHttpResult bytes => bytes,
            ProblemHttpResult refused => Refusal.Recorded(refused, result.AuditEventId),
            var other => throw new InvalidOperationException($"Unexpected proxy answer {other.GetType().Name}."),
        };
    }

    private static Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult> ToHttp(HttpContext http, ProxyResult result)
    {
        if (result.Success)
        {
            if (result.NextCursor is null && result.RateLimit is not { Count: > 0 })
            {
                // Nothing to add next to the envelope: send the sealer's JSON as it is, without re-parsing it.
                return TypedResults.Text(result.EnvelopeJson!, "application/json");
            }

            return TypedResults.Bytes(WithExtras(result.EnvelopeJson!, result), "application/json");
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
        var error = new JsonObject { ["type"] = result.ErrorType, ["message"] = result.ErrorMessage };
        if (result.UpstreamStatus is { } upstreamStatus)
        {
            error["upstream_status"] = upstreamStatus;
        }

        problem.Extensions["error"] = error;
        problem.Extensions["audit_event_id"] = result.AuditEventId;
        if (result.ErrorField is not null)
        {
            problem.Extensions["field"] = result.ErrorField;
        }

        if (result.EnvelopeJson is not null)
        {
            var envelope = JsonNode.Parse(result.EnvelopeJson)!.AsObject();
            problem.Extensions["encrypted"] = envelope["encrypted"]?.DeepClone();
            problem.Extensions["signature"] = envelope["signature"]?.DeepClone();
        }

        if (result.RetryAfterSeconds is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>
    /// The sealer's envelope JSON with the clear extras (<c>paging</c>, <c>rate_limit</c>) appended as members of the same
    /// object, written once: the envelope is not parsed again. The sealer writes a compact JSON object, so its closing
    /// brace is the last character; the extras are written by a <see cref="Utf8JsonWriter"/> (escaped like any JSON).
    /// </summary>
    internal static byte[] WithExtras(string envelopeJson, ProxyResult result)
    {
        if (envelopeJson.Length < 2 || envelopeJson[0] != '{' || envelopeJson[^1] != '}')
        {
            throw new InvalidOperationException("The sealer's envelope is not a JSON object.");
        }

        var extras = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(extras))
        {
            writer.WriteStartObject();
            if (result.NextCursor is not null)
            {
                writer.WriteStartObject("paging");
                writer.WriteString("next_cursor", result.NextCursor);
                writer.WriteEndObject();
            }

            if (result.RateLimit is { Count: > 0 } rateLimit)
            {
                writer.WriteStartObject("rate_limit");
                foreach (var (key, value) in rateLimit)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        // envelope without its '}' + ',' + extras without their '{'  (both sides are non-empty objects).
        var envelopeBytes = Encoding.UTF8.GetByteCount(envelopeJson.AsSpan(0, envelopeJson.Length - 1));
        var output = new byte[envelopeBytes + extras.WrittenCount];
        Encoding.UTF8.GetBytes(envelopeJson.AsSpan(0, envelopeJson.Length - 1), output);
        output[envelopeBytes] = (byte)',';
        extras.WrittenSpan[1..].CopyTo(output.AsSpan(envelopeBytes + 1));
        return output;
    }
}
