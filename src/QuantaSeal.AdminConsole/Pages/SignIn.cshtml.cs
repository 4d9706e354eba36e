using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Sign-in: the key is checked by the API itself (so the attempt meets the API's authentication, rate limits and
/// refusal audit, charged to the browser's address through <see cref="ConsoleCallers"/>), then kept only inside the
/// encrypted, HttpOnly session cookie.
/// </summary>
[AllowAnonymous]
internal sealed partial class SignInModel(ConsoleApi api, ILogger<SignInModel> logger) : ConsolePage(api)
{
    /// <summary>
    /// The prefixes of tenant API keys (<c>ApiKeyFormat</c> in QuantaSeal.Grains; a test keeps the two lists equal). The
    /// operator key has no prefix the server requires (any secret of 32 or more characters: <c>OperatorKeyVerifier</c>
    /// generates <c>qs_op_…</c>, an operator may write another), so every key without one of these is tried as the
    /// operator key. Either attempt is an API call that a wrong key fails with 401, charged to the browser's
    /// failed-authentication budget like any other.
    /// </summary>
    internal static readonly IReadOnlyList<string> TenantKeyPrefixes = ["qs_live_", "qs_test_"];

    [BindProperty]
    public string? Key { get; set; }

    [BindProperty(SupportsGet = true, Name = "ended")]
    public bool Ended { get; set; }

    [BindProperty(SupportsGet = true, Name = "return_url")]
    public string? ReturnUrl { get; set; }

    public override Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Ended)
        {
            Notice = "Your session has ended: the key was revoked, or the session was idle for too long. Sign in again.";
        }

        return Task.CompletedTask;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var key = Key?.Trim();
        Key = null; // never rendered back into the page
        if (string.IsNullOrEmpty(key))
        {
            Error = "Enter an API key or the operator key.";
            return Page();
        }

        var (claims, refusal) = IsTenantKey(key)
            ? await TenantKeyAsync(key, cancellationToken)
            : await OperatorAsync(key, cancellationToken);
        if (claims is null)
        {
            Error = refusal;
            Log.SignInRefused(logger);
            return Page();
        }

        claims.Add(new Claim(ConsoleClaims.Key, key));
        var identity = new ClaimsIdentity(claims, ConsolePolicies.Scheme, ClaimTypes.Name, ConsoleClaims.Role);
        await HttpContext.SignInAsync(ConsolePolicies.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
        var role = claims.First(c => c.Type == ConsoleClaims.Role).Value;
        var tenantId = claims.FirstOrDefault(c => c.Type == ConsoleClaims.TenantId)?.Value ?? "-";
        Log.SignedIn(logger, role, tenantId);
        var home = role == ConsoleRoles.Operator ? "/console/operator" : "/console";
        return LocalRedirect(ReturnUrl is { } r && Url.IsLocalUrl(r) && r.StartsWith("/console", StringComparison.Ordinal) ? r : home);
    }

    private static bool IsTenantKey(string key) => TenantKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    private async Task<(List<Claim>? Claims, string? Refusal)> TenantKeyAsync(string key, CancellationToken cancellationToken)
    {
        var client = Connection.For(key);
        TenantDetails tenant;
        try
        {
            tenant = await client.GetTenantAsync(cancellationToken);
        }
        catch (QuantaSealApiException ex)
        {
            return (null, Refused(ex));
        }

        var claims = new List<Claim> { new(ConsoleClaims.TenantId, tenant.TenantId), new(ClaimTypes.Name, tenant.Name) };
        try
        {
            // The key's scopes are not published; what the API lets it do is the truth the console acts on.
            var keys = await client.ListApiKeysAsync(cancellationToken);
            var self = keys.Where(k => key.StartsWith(k.Prefix, StringComparison.Ordinal)).MaxBy(k => k.Prefix.Length);
            if (self is not null)
            {
                claims.Add(new Claim(ConsoleClaims.KeyId, self.ApiKeyId));
            }

            claims.Add(new Claim(ConsoleClaims.Role, ConsoleRoles.Admin));
            return (claims, null);
        }
        catch (QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            // Not admin: maybe audit:read.
        }
        catch (QuantaSealApiException ex)
        {
            return (null, Refused(ex));
        }

        try
        {
            await client.GetLatestAuditCheckpointAsync(cancellationToken);
            claims.Add(new Claim(ConsoleClaims.Role, ConsoleRoles.AuditReader));
            return (claims, null);
        }
        catch (QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            return (null, "This key has neither the admin nor the audit:read scope: the console has nothing it may show it.");
        }
        catch (QuantaSealApiException ex)
        {
            return (null, Refused(ex));
        }
    }

    private async Task<(List<Claim>? Claims, string? Refusal)> OperatorAsync(string key, CancellationToken cancellationToken)
    {
        // There is no operator "who am I": an empty tenant creation is refused with 401 for a wrong key and with 400
        // for a right one, before anything is created. The attempt takes the API's path like any other.
        try
        {
            await Connection.For((string?)null).CreateTenantAsync(key, string.Empty, cancellationToken: cancellationToken);
            return (null, "Unexpected answer from the API.");
        }
        catch (QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            return ([new Claim(ConsoleClaims.Role, ConsoleRoles.Operator), new Claim(ClaimTypes.Name, "operator")], null);
        }
        catch (QuantaSealApiException ex)
        {
            return (null, Refused(ex));
        }
    }

    private string Refused(QuantaSealApiException ex)
    {
        if (ex.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return ex.StatusCode == HttpStatusCode.Unauthorized ? "The key was not accepted." : Describe(ex);
        }

        // The API's failed-authentication budget of this browser's address is spent: the page answers 429 as well,
        // with the API's Retry-After, so that scripts driving the form meet the same limit as scripts calling the API.
        var seconds = Math.Max(1, (int)Math.Ceiling((ex.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return $"Too many failed sign-in attempts from your address: wait {seconds} second(s) and try again.";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Console sign-in refused")]
        public static partial void SignInRefused(ILogger logger);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Console session started ({Role}, tenant {TenantId})")]
        public static partial void SignedIn(ILogger logger, string role, string tenantId);
    }
}
