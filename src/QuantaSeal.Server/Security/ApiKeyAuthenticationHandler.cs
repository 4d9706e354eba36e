using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Security;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Http;

namespace QuantaSeal.Server.Security;

/// <summary>
/// <c>X-API-Key</c> authentication: the key's id (embedded in the key) selects its grain, which compares SHA-256
/// of the presented key with the stored hash in constant time. Unknown, malformed, revoked and wrong keys are one
/// and the same 401 to the caller.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IGrainFactory grains,
    IProblemDetailsService problems,
    EdgeAudit audit,
    FailedAuthentication failures,
    SecurityMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";
    public const string TenantClaim = "qs:tenant";
    public const string KeyIdClaim = "qs:api_key_id";
    public const string ScopeClaim = "qs:scope";

    /// <summary>
    /// Runs only for endpoints whose policy names this scheme (there is no default scheme): health checks, OpenAPI
    /// and operator calls never look a key up. In order, each step cheaper than the next: an address over its
    /// failed-authentication budget is throttled; a malformed key is refused; a key id known not to exist is refused
    /// from memory; only then is the key's grain asked. Every refusal costs the address one failed authentication.
    /// </summary>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        if (failures.IsThrottled(Context))
        {
            metrics.ApiKeyRejected("throttled");
            return AuthenticateResult.Fail("throttled");
        }

        if (values.Count != 1 || !ApiKeyFormat.TryGetKeyId(values[0], out var keyId))
        {
            return Reject("malformed", "malformed");
        }

        if (failures.IsKnownUnknown(keyId))
        {
            return Reject("unknown", keyId);
        }

        var grain = grains.GetGrain<IApiKeyGrain>(keyId);
        var principal = await grain.AuthenticateAsync(ApiKeyFormat.Hash(values[0]!), Context.RequestAborted);
        if (principal is null)
        {
            if (!await grain.ExistsAsync(Context.RequestAborted))
            {
                failures.RememberUnknown(keyId);
                return Reject("unknown", keyId);
            }

            return Reject("refused", keyId);
        }

        var claims = new List<Claim>
        {
            new(TenantClaim, principal.TenantId),
            new(KeyIdClaim, principal.ApiKeyId),
        };
        claims.AddRange(principal.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Reject(string reason, string keyId)
    {
        // Debug, not Information: an unauthenticated flood must not turn into a flood of log lines (the counter
        // carries the volume). Only the key id is logged, never the key.
        failures.RecordFailure(Context);
        metrics.ApiKeyRejected(reason);
        Log.Rejected(Logger, keyId, reason);
        return AuthenticateResult.Fail("invalid api key");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (FailedAuthentication.ThrottledFor(Context) is { } retryAfter)
        {
            metrics.RateLimited("failed_auth");
            await FailedAuthentication.WriteThrottledAsync(Context, retryAfter);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "ApiKey header=\"X-API-Key\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = Problems.Create(
                StatusCodes.Status401Unauthorized,
                ProblemTypes.Unauthenticated,
                "Authentication required.",
                "Send a valid, unrevoked API key in the X-API-Key header."),
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // A wrong scope is refused by the authorization middleware, before any endpoint filter runs, so its audit
        // event is published here (DESIGN §9). The tenant is known: only an authenticated key gets a 403. Published
        // before the status is set, so an audit outage still ends in the exception handler's 503.
        var eventId = await audit.PublishDeniedAsync(Context, null, Context.RequestAborted);
        var problem = Problems.Create(
            StatusCodes.Status403Forbidden,
            ProblemTypes.InsufficientScope,
            "The API key lacks the scope this operation needs.");
        if (eventId is not null && DeniedAuditFilter.ReturnsEventId(Context))
        {
            problem.Extensions["audit_event_id"] = eventId;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "API key rejected ({KeyId}, {Reason})")]
        public static partial void Rejected(ILogger logger, string keyId, string reason);
    }
}
