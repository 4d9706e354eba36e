using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// One proxied call as ordered, fail-closed steps (DESIGN §2, §7):
/// <list type="number">
/// <item><b>operation</b>: the system has it;</item>
/// <item><b>allowlist</b>: the integration allows it;</item>
/// <item><b>payload</b>: parsed once and validated once by the catalog into the <see cref="OperationRequest"/> the connector takes;</item>
/// <item><b>host</b>: the operator's outbound policy still allows the stored domain;</item>
/// <item><b>recipient</b>: the tenant has a recipient key to seal the answer to (the sealing material is read once per call);</item>
/// <item><b>intent</b>: a write records <c>attempted</c> durably, or nothing happens (the publish throws: 503);</item>
/// <item><b>upstream</b>: token, send and body read under one deadline; every failure is a value;</item>
/// <item><b>outcome</b>: the call's event, recorded whatever the caller does (never with the caller's token);</item>
/// <item><b>seal</b>: the answer sealed to the recipient, bound to the outcome event.</item>
/// </list>
/// Steps 1–5 either hand a value to the next step or a <see cref="ProxyRefusal"/> that ends the call with one
/// <c>denied</c> event before anything leaves the silo.
/// </summary>
/// <remarks>
/// Stateless apart from its collaborators: everything about the call is in its <see cref="ProxyCall"/>, so concurrent
/// calls (the grain's proxy method interleaves) share nothing but the token cache, which is single-flight.
/// </remarks>
internal sealed partial class ProxyPipeline(
    IConnectorCatalog catalog,
    UpstreamHostPolicy hostPolicy,
    IGrainFactory grains,
    IAuditPublisher audit,
    TimeSpan callBudget,
    TimeProvider timeProvider,
    ILogger logger)
{
    /// <summary>What a caller is told when the stored domain is not (any more) allowed: no allowlist patterns, no host.</summary>
    internal const string HostNotAllowedMessage = "The integration's domain is not allowed by the outbound host policy; ask the operator to allow it.";

    /// <summary>
    /// The longest Retry-After handed to a caller. An upstream's wait (or a far-off HTTP date or reset) beyond this is
    /// cut to it: the caller then asks again sooner and, at worst, is told to wait again.
    /// </summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>Runs the call through every step; a refusal or an upstream failure is a value, infrastructure failures throw.</summary>
    public async Task<ProxyResult> RunAsync(ProxyCall call, CancellationToken cancellationToken)
    {
        var policy = CheckPolicy(call);
        if (policy.Refusal is { } refused)
        {
            return await DeniedAsync(call, refused);
        }

        var (request, target) = policy.Value!;
        var recipient = await FindRecipientAsync(call, cancellationToken);
        if (recipient.Refusal is { } noRecipient)
        {
            return await DeniedAsync(call, noRecipient);
        }

        var attemptEventId = await RecordIntentAsync(call, request);
        var response = await CallUpstreamAsync(call, target, request, cancellationToken);
        var eventId = await RecordOutcomeAsync(call, response, attemptEventId, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return await SealAsync(call, recipient.Value!, eventId, response);
    }

    /// <summary>Steps 1–4, in this order, with no await: nothing leaves the silo before all of them passed.</summary>
    private ProxyStep<Checked> CheckPolicy(ProxyCall call)
    {
        var operation = Operation(call);
        if (operation.Refusal is { } unknown)
        {
            return unknown;
        }

        var allowed = Allowlist(call, operation.Value!);
        if (allowed.Refusal is { } notAllowed)
        {
            return notAllowed;
        }

        var request = Payload(call, allowed.Value!);
        if (request.Refusal is { } invalid)
        {
            return invalid;
        }

        var target = Host(call);
        if (target.Refusal is { } notReachable)
        {
            return notReachable;
        }

        return new Checked(request.Value!, target.Value!);
    }

    /// <summary>Step 1: the system has an operation of that name.</summary>
    private ProxyStep<OperationDescriptor> Operation(ProxyCall call) =>
        catalog.TryGetOperation(call.SystemType, call.Command.Operation, out var descriptor)
            ? descriptor
            : new ProxyRefusal(ProxyErrorTypes.UnknownOperation, "operation", $"'{call.SystemType}' has no operation with that name; see GET /api/v2/connectors.");

    /// <summary>Step 2: the integration's allowlist names it (default deny).</summary>
    private ProxyStep<OperationDescriptor> Allowlist(ProxyCall call, OperationDescriptor operation)
    {
        if (call.AllowedOperations.Contains(operation.Name, StringComparer.Ordinal))
        {
            return operation;
        }

        Log.OperationDenied(logger, call.TenantId, call.IntegrationId, call.Command.Operation);
        return new ProxyRefusal(ProxyErrorTypes.OperationNotAllowed, "operation", "The operation is not on this integration's allowlist.");
    }

    /// <summary>
    /// Step 3: the payload text parsed once and validated once by the catalog. The result is the only form of the
    /// payload the later steps see: the connector maps it onto the wire without reading raw JSON again.
    /// </summary>
    private ProxyStep<OperationRequest> Payload(ProxyCall call, OperationDescriptor operation)
    {
        JsonElement? payload = null;
        if (call.Command.PayloadJson is { } text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                payload = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return new ProxyRefusal(ProxyErrorTypes.InvalidPayload, "payload", "'payload' is not valid JSON.");
            }
        }

        var validation = catalog.Validate(operation.SystemType, operation.Name, payload);
        return validation.Request is { } request
            ? request
            : new ProxyRefusal(ProxyErrorTypes.InvalidPayload, "payload." + validation.Field, validation.Message!);
    }

    /// <summary>
    /// Step 4: the operator's outbound allowlist may have changed since the integration was stored: a domain it no
    /// longer allows is refused like any other policy check, before a token is asked for. The message is fixed: the
    /// allowlist is the operator's configuration, not the tenant's to read.
    /// </summary>
    private ProxyStep<ConnectorTarget> Host(ProxyCall call)
    {
        if (hostPolicy.TryCreateTarget(call.SystemType, call.Domain, out var target, out _))
        {
            return target!;
        }

        Log.HostDenied(logger, call.TenantId, call.IntegrationId, call.Command.Operation);
        return new ProxyRefusal(ProxyErrorTypes.Unreachable, "domain", HostNotAllowedMessage);
    }

    /// <summary>
    /// Step 5: without a recipient key nothing can be delivered, so a write must not run upstream. The material is read
    /// once per call; the sealer is told its version, so it does not read it again.
    /// </summary>
    private async Task<ProxyStep<Recipient>> FindRecipientAsync(ProxyCall call, CancellationToken cancellationToken)
    {
        var material = await grains.GetGrain<ITenantGrain>(call.TenantId).GetSealingMaterialAsync(cancellationToken);
        return material.FindRecipient(call.Command.RecipientKeyId) is { } key
            ? new Recipient(material, key)
            : new ProxyRefusal(ProxyErrorTypes.NoRecipientKey, "recipient_key_id", "Register a recipient key with POST /api/v2/tenant/recipient-keys before proxying.");
    }

    /// <summary>
    /// Step 6 (DESIGN §7, no side effect without its event): a write records its intent durably before the upstream
    /// sees it. If the intent cannot be recorded the publish throws (503 at the front door) and the upstream is never
    /// called. Not the caller's token: an intent that became durable must always get its outcome.
    /// </summary>
    /// <returns>The intent's event id, or null for a read.</returns>
    private async Task<string?> RecordIntentAsync(ProxyCall call, OperationRequest request)
    {
        if (!request.Operation.IsWrite)
        {
            return null;
        }

        var attemptEventId = AuditIds.New();
        await audit.PublishAsync(Event(call, attemptEventId, AuditOutcomes.Attempted, null, null, null), CancellationToken.None);
        return attemptEventId;
    }

    /// <summary>
    /// Step 7: token, send and body read under one deadline (<see cref="UpstreamOptions.CallBudget"/>), ending before
    /// the grain-call timeout; the caller's cancellation (a disconnected client) abandons the upstream call too. Every
    /// failure comes back as a value: a cancelled or timed-out call is <see cref="UpstreamOutcome.Timeout"/> (the
    /// outcome step tells the two apart by the caller's token).
    /// </summary>
    private async Task<UpstreamResponse> CallUpstreamAsync(ProxyCall call, ConnectorTarget target, OperationRequest request, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(callBudget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // The acquisition is shared (single-flight) and has its own deadline; this caller only stops waiting.
            var token = await call.Tokens.GetAsync().WaitAsync(linked.Token);
            var response = await call.Connector.ExecuteAsync(target, token.Token, request, linked.Token);
            if (response.Outcome == UpstreamOutcome.Unauthorized)
            {
                // The one hand-written retry: the token was refused, so drop it, get a fresh one (single-flight
                // with any concurrent caller that saw the same 401) and try once more.
                Log.TokenRejected(logger, call.TenantId, call.IntegrationId);
                call.Tokens.Reject(token);
                token = await call.Tokens.GetAsync().WaitAsync(linked.Token);
                response = await call.Connector.ExecuteAsync(target, token.Token, request, linked.Token);
            }

            return response;
        }
        catch (UpstreamCallException ex)
        {
            // A rate-limited token endpoint carries its wait like a rate-limited management call does.
            return new UpstreamResponse(ex.Outcome, ex.StatusCode, ReadOnlyMemory<byte>.Empty, ex.ErrorCode, ex.Message, RetryAfter: ex.RetryAfter);
        }
        catch (HttpRequestException)
        {
            return new UpstreamResponse(UpstreamOutcome.Unreachable, 0, ReadOnlyMemory<byte>.Empty, null, "The upstream could not be reached.");
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            return new UpstreamResponse(UpstreamOutcome.Timeout, 0, ReadOnlyMemory<byte>.Empty, null, "The upstream did not answer in time.");
        }
    }

    /// <summary>
    /// Step 8: the outcome is recorded whatever the caller does: never with the caller's token, so a disconnected client
    /// or a cancelled request cannot suppress it. For a read it is the one event, recorded before any data leaves.
    /// </summary>
    /// <returns>The outcome event's id (the envelope is bound to it).</returns>
    private async Task<string> RecordOutcomeAsync(ProxyCall call, UpstreamResponse response, string? attemptEventId, CancellationToken cancellationToken)
    {
        var outcome = response.Outcome switch
        {
            UpstreamOutcome.Success => AuditOutcomes.Success,
            _ when cancellationToken.IsCancellationRequested => AuditOutcomes.Cancelled,
            UpstreamOutcome.Timeout => AuditOutcomes.Timeout,
            _ => AuditOutcomes.Failed,
        };
        var eventId = AuditIds.New();
        var latency = Latency(call);
        await audit.PublishAsync(Event(call, eventId, outcome, response.StatusCode == 0 ? null : response.StatusCode, latency, attemptEventId), CancellationToken.None);
        Log.Proxied(logger, call.TenantId, call.IntegrationId, call.Command.Operation, response.StatusCode, latency);
        return eventId;
    }

    /// <summary>
    /// Step 9: the upstream answer (for a failure, the vendor's error body) sealed to the recipient and bound to the
    /// outcome event; the clear-text copy is wiped. The one place a proxied answer is sealed.
    /// </summary>
    private async Task<ProxyResult> SealAsync(ProxyCall call, Recipient recipient, string eventId, UpstreamResponse response)
    {
        var success = response.Outcome == UpstreamOutcome.Success;
        var errorType = success ? null : ErrorTypeFor(response.Outcome);
        var upstreamStatus = response.StatusCode == 0 ? (int?)null : response.StatusCode;
        var body = response.Body.IsEmpty ? "{}"u8.ToArray() : response.Body.ToArray();
        var rateLimit = RateLimitHeaders(response.RateLimit);
        // Envelope v2: bound to the request hash the audit event records, with the paging cursor and rate-limit
        // headers under both signatures (docs/envelope-v2.md).
        var sealedEnvelope = await grains.GetGrain<IEnvelopeSealerGrain>(call.TenantId).SealAsync(
            new EnvelopeRequest(recipient.Key.RecipientKeyId, eventId, success, body, errorType, success ? null : response.ErrorMessage ?? "The upstream call failed.", upstreamStatus, recipient.Material.KeyVersion,
                call.Command.RequestSha256, response.NextCursor, rateLimit),
            CancellationToken.None);
        CryptographicOperations.ZeroMemory(body);
        return new ProxyResult(
            eventId,
            success,
            sealedEnvelope.Json,
            errorType,
            success ? null : response.ErrorMessage,
            null,
            upstreamStatus,
            RetryAfterSeconds(response.RetryAfter));
    }

    /// <summary>A refusal's one event (denied), recorded before the caller hears of it.</summary>
    private async Task<ProxyResult> DeniedAsync(ProxyCall call, ProxyRefusal refusal)
    {
        var eventId = AuditIds.New();
        await audit.PublishAsync(Event(call, eventId, AuditOutcomes.Denied, null, Latency(call), null), CancellationToken.None);
        return new ProxyResult(eventId, false, null, refusal.ErrorType, refusal.Message, refusal.Field, null, null);
    }

    private AuditEvent Event(ProxyCall call, string eventId, string outcome, int? upstreamStatus, long? latencyMs, string? attemptEventId) =>
        new(eventId, call.TenantId, null, timeProvider.GetUtcNow(), call.Command.ActorApiKeyId, AuditActions.ProxyOutbound, call.IntegrationId,
            call.Command.Operation.Length > 64 ? call.Command.Operation[..64] : call.Command.Operation, outcome, upstreamStatus, call.Command.RequestSha256, latencyMs, AttemptEventId: attemptEventId);

    private long Latency(ProxyCall call) => (long)timeProvider.GetElapsedTime(call.Started).TotalMilliseconds;

    /// <summary>The proxy error type of an upstream outcome (also what a failed connection check reports).</summary>
    internal static string ErrorTypeFor(UpstreamOutcome outcome) => outcome switch
    {
        UpstreamOutcome.Unauthorized => ProxyErrorTypes.Unauthorized,
        UpstreamOutcome.Forbidden => ProxyErrorTypes.Forbidden,
        UpstreamOutcome.NotFound => ProxyErrorTypes.NotFound,
        UpstreamOutcome.ClientError => ProxyErrorTypes.ClientError,
        UpstreamOutcome.RateLimited => ProxyErrorTypes.RateLimited,
        UpstreamOutcome.ServerError => ProxyErrorTypes.ServerError,
        UpstreamOutcome.Timeout => ProxyErrorTypes.Timeout,
        UpstreamOutcome.CredentialRejected => ProxyErrorTypes.CredentialRejected,
        _ => ProxyErrorTypes.Unreachable,
    };

    /// <summary>
    /// The wait as Retry-After delta-seconds (RFC 9110 §10.2.3): whole seconds rounded up, never negative, at most
    /// <see cref="MaxRetryAfter"/> (which also keeps a far-off date from overflowing the int).
    /// </summary>
    internal static int? RetryAfterSeconds(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? (int)Math.Ceiling(Math.Clamp(wait.TotalSeconds, 0, MaxRetryAfter.TotalSeconds)) : null;

    private static Dictionary<string, string>? RateLimitHeaders(RateLimitInfo? rateLimit)
    {
        if (rateLimit is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rateLimit.Limit is { } limit)
        {
            headers["limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        if (rateLimit.Remaining is { } remaining)
        {
            headers["remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        }

        if (rateLimit.ResetAt is { } reset)
        {
            headers["reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return headers;
    }

    /// <summary>What steps 1–4 hand on: the validated request and the host it may go to.</summary>
    private sealed record Checked(OperationRequest Request, ConnectorTarget Target);

    /// <summary>What step 5 hands on: the material read for this call and the key the answer is sealed to.</summary>
    private sealed record Recipient(SealingMaterial Material, RecipientKeyInfo Key);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: operation {Operation} denied by policy")]
        public static partial void OperationDenied(ILogger logger, string tenantId, string integrationId, string operation);

        [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: upstream refused the token; re-acquiring once")]
        public static partial void TokenRejected(ILogger logger, string tenantId, string integrationId);

        [LoggerMessage(EventId = 1307, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: {Operation} answered {Status} in {LatencyMs} ms")]
        public static partial void Proxied(ILogger logger, string tenantId, string integrationId, string operation, int status, long latencyMs);

        [LoggerMessage(EventId = 1314, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: its domain is not allowed by the outbound host policy; {Operation} refused before any upstream call")]
        public static partial void HostDenied(ILogger logger, string tenantId, string integrationId, string operation);
    }
}
