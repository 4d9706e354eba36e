using System.Text.Json;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Envelopes;

/// <summary>
/// <c>POST /api/v2/tenant/envelopes/echo</c>: seals the posted JSON back to the caller's recipient key, so a client
/// can check its pinned signing key, HMAC key and recipient key end to end before it makes real proxy calls.
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
            .WithTags("Tenant")
            .WithName("EchoEnvelope")
            .WithSummary("Seal the posted JSON payload into a HybridCryptoEnvelope to a registered recipient key (key check).")
            .Accepts<EchoRequest>("application/json")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> EchoAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
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

        var caller = CallerContext.From(http.User);

        // Not an audited call (the audit chain lands with the audit issue), so the id is marked as an echo id.
        var eventId = "aud_echo_" + Ulid.NewUlid().ToString();
        try
        {
            var sealedEnvelope = await grains.GetGrain<IEnvelopeSealerGrain>(caller.TenantId)
                .SealAsync(new EnvelopeRequest(body.RecipientKeyId, eventId, true, plaintext), cancellationToken);
            return Results.Text(sealedEnvelope.Json, "application/json");
        }
        catch (NoRecipientKeyException)
        {
            return TypedResults.Problem(Problems.Create(
                StatusCodes.Status409Conflict,
                ProblemTypes.NoRecipientKey,
                "No matching active recipient key.",
                "Register a recipient key with POST /api/v2/tenant/recipient-keys (or name an active one in recipient_key_id)."));
        }
    }
}

/// <summary>Echo request: any JSON payload, optionally a recipient key id.</summary>
internal sealed record EchoRequest(JsonElement Payload, string? RecipientKeyId);
