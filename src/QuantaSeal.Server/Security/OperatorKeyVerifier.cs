using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Server.Http;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Holds SHA-256 of the operator key and checks presented keys in constant time. A refusal is counted, logged (the
/// client address only, never the presented value) and charged to the address's failed-authentication budget.
/// </summary>
internal sealed partial class OperatorKeyVerifier(string operatorKey, SecurityMetrics metrics, FailedAuthentication failures, ILogger<OperatorKeyVerifier> logger)
{
    public const string HeaderName = "X-Operator-Key";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(operatorKey));

    /// <summary>A new operator key: <c>qs_op_</c> + 32 random bytes base64url.</summary>
    public static string NewKey() =>
        "qs_op_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Compares a presented key in constant time. Endpoints use <see cref="Refuse(HttpContext)"/>, which also counts, logs and throttles.</summary>
    public bool Verify(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(presentedHash, _hash);
    }

    /// <summary>
    /// Checks the request's <c>X-Operator-Key</c>: <see langword="null"/> when it is the operator key, else the answer to
    /// send (429 when the address used up its failed-authentication budget, 401 otherwise). A refusal is counted,
    /// logged with the client address (never the presented value) and charged to the address.
    /// </summary>
    public ProblemHttpResult? Refuse(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var values = http.Request.Headers[HeaderName];
        return RefuseUnless(http, values.Count == 1 ? values[0] : null, "OperatorKey header=\"X-Operator-Key\"",
            "Send the operator key in the X-Operator-Key header.");
    }

    /// <summary>
    /// <see cref="Refuse(HttpContext)"/> for the management listener (<c>/metrics</c>, <c>/dashboard</c>), where the key
    /// may also come as <c>Authorization: Bearer KEY</c> (Prometheus' <c>authorization</c>) or as the password of
    /// <c>Authorization: Basic</c> with any user name (a browser's sign-in prompt for the dashboard).
    /// </summary>
    public ProblemHttpResult? RefuseManagement(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var values = http.Request.Headers[HeaderName];
        var presented = values.Count == 1 ? values[0] : KeyFromAuthorization(http.Request.Headers.Authorization);
        return RefuseUnless(http, presented, "Basic realm=\"QuantaSeal management\", charset=\"UTF-8\"",
            "Send the operator key in X-Operator-Key, as a Bearer token, or as the Basic password (any user name).");
    }

    /// <summary>The key in <c>Bearer KEY</c> or the password of <c>Basic base64(user:KEY)</c>; null for anything else.</summary>
    internal static string? KeyFromAuthorization(Microsoft.Extensions.Primitives.StringValues authorization)
    {
        if (authorization.Count != 1 || authorization[0] is not { } value)
        {
            return null;
        }

        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value["Bearer ".Length..].Trim();
        }

        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(value["Basic ".Length..].Trim(), decoded, out var length))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(decoded[..length]);
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : pair[(colon + 1)..];
    }

    private ProblemHttpResult? RefuseUnless(HttpContext http, string? presented, string challenge, string how)
    {
        if (failures.IsThrottled(http))
        {
            metrics.RateLimited("failed_auth");
            return TypedResults.Problem(Problems.RateLimited(http, FailedAuthentication.ThrottledFor(http) ?? TimeSpan.FromSeconds(1)));
        }

        if (Verify(presented))
        {
            return null;
        }

        metrics.OperatorRejected();
        failures.RecordFailure(http);
        Log.OperatorRejected(logger, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", http.Request.Path.Value ?? string.Empty);
        http.Response.Headers.WWWAuthenticate = challenge;
        return TypedResults.Problem(Problems.Create(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Operator authentication required.", how));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Operator authentication refused from {RemoteAddress} on {Path}")]
        public static partial void OperatorRejected(ILogger logger, string remoteAddress, string path);
    }
}
