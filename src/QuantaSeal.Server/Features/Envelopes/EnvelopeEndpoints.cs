using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Envelopes;

/// <summary>
/// <c>POST /api/v2/tenant/envelopes/echo</c>: seals the posted JSON back to the caller's recipient key, so a client
/// can check its pinned signing key, HMAC key and recipient key end to end before it makes real proxy calls.
/// Audited as <c>envelope.echo</c>: the envelope's <c>audit_event_id</c> is a real event of the tenant's chain,
/// exactly as for a proxy call, so a client can also check that binding end to end.
/// </summary>
internal static class EnvelopeEndpoints
{
    /// <summary>Echo payloads are small by design; real payloads go through the proxy.</summary>
    public const int MaxEchoPayloadBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapEnvelopeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/tenant/envelopes/echo", EchoAsync)
            .RequireAuthorization(ScopePolicies.Proxy)
            .AddEndpointFilter(CallerContext.StampTenantAsync)
            .WithAuditAction(AuditActions.EnvelopeEcho)
            .WithTags("Tenant")
            .WithName("EchoEnvelope")
            .WithSummary("Seal the posted JSON payload into a HybridCryptoEnvelope to a registered recipient key (key check).")
            .Accepts<EchoRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, Refusal>> EchoAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<EchoRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Payload.ValueKind is JsonValueKind.Undefined)
        {
            return Problems.Validation("payload", "'payload' is required (any JSON value).");
        }

        if (body.RecipientKeyId is not null && !Ids.IsValid(body.RecipientKeyId, Ids.RecipientKey))
        {
            return Problems.Validation("recipient_key_id", "'recipient_key_id' must be an rk_ id.");
        }

        var plaintext = JsonSerializer.SerializeToUtf8Bytes(body.Payload);
        if (plaintext.Length > MaxEchoPayloadBytes)
        {
            return Problems.Validation("payload", $"'payload' must be at most {MaxEchoPayloadBytes} bytes.");
        }

        // The sealer grain records the envelope.echo event BEFORE sealing, so the envelope is bound to a recorded event
        // and no envelope exists unaudited (503 and nothing sealed if it cannot be recorded); with no key to seal to it
        // refuses with one denied event.
        try
        {
            // Bound to the request: the payload's JSON text exactly as it was sent (docs/envelope-v2.md, "Request hash").
            var requestHash = EnvelopeRequestHash.ForEcho(body.Payload.GetRawText());
            var sealedEnvelope = await grains.GetGrain<IEnvelopeSealerGrain>(CallerContext.From(http.User).TenantId).EchoAsync(body.RecipientKeyId, plaintext, requestHash, cancellationToken);
            return TypedResults.Text(sealedEnvelope.Json, "application/json");
        }
        catch (NoRecipientKeyException ex)
        {
            return Refusal.Recorded(NoRecipientKey(), ex.AuditEventId);
        }
    }

    private static ProblemHttpResult NoRecipientKey() =>
        Problems.NoRecipientKey("Register a recipient key with POST /api/v2/tenant/recipient-keys (or name an active one in recipient_key_id).");
}

/// <summary>Echo request: any JSON payload, optionally a recipient key id.</summary>
internal sealed record EchoRequest(JsonElement Payload, string? RecipientKeyId);
