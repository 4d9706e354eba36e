using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Server.Http;

namespace QuantaSeal.Server.Security;

/// <summary>
/// Holds SHA-256 of the operator key and checks presented keys in constant time. A refusal is counted, logged (the
/// client address only, never the presented value) and charged to the address's failed-authentication budget.
/// </summary>
internal sealed partial class OperatorKeyVerifier(string operatorKey, SecurityMetrics metrics, ILogger<OperatorKeyVerifier> logger)
{
    public const string HeaderName = "X-Operator-Key";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(operatorKey));

    /// <summary>A new operator key: <c>qs_op_</c> + 32 random bytes base64url.</summary>
    public static string NewKey() =>
        "qs_op_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Compares a presented key in constant time. Endpoints use <see cref="Refuse"/>, which also counts, logs and throttles.</summary>
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
        var failures = http.RequestServices.GetRequiredService<FailedAuthentication>();
        if (failures.IsThrottled(http))
        {
            metrics.RateLimited("failed_auth");
            var retryAfter = FailedAuthentication.ThrottledFor(http) ?? TimeSpan.FromSeconds(1);
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(Problems.Create(StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited, "Too many requests.",
                "This client exceeded a rate limit; retry after the number of seconds in Retry-After."));
        }

        var values = http.Request.Headers[HeaderName];
        if (values.Count == 1 && Verify(values[0]))
        {
            return null;
        }

        metrics.OperatorRejected();
        failures.RecordFailure(http);
        Log.OperatorRejected(logger, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", http.Request.Path.Value ?? string.Empty);
        http.Response.Headers.WWWAuthenticate = "OperatorKey header=\"X-Operator-Key\"";
        return TypedResults.Problem(Problems.Create(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Operator authentication required.", "Send the operator key in the X-Operator-Key header."));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Operator authentication refused from {RemoteAddress} on {Path}")]
        public static partial void OperatorRejected(ILogger logger, string remoteAddress, string path);
    }
}
