namespace QuantaSeal.Abstractions.Proxy;

/// <summary>One proxied operation.</summary>
/// <param name="Operation">Catalog operation name.</param>
/// <param name="PayloadJson">The payload as JSON text (object), or null.</param>
/// <param name="RecipientKeyId">Recipient key to seal to (null = the most recent active one).</param>
/// <param name="ActorApiKeyId">The API key that made the call (for the audit event).</param>
/// <param name="RequestSha256">SHA-256 of the request body (for the audit event).</param>
[GenerateSerializer, Immutable, Alias("qs.ProxyCommand")]
public sealed record ProxyCommand(
    [property: Id(0)] string Operation,
    [property: Id(1)] string? PayloadJson,
    [property: Id(2)] string? RecipientKeyId,
    [property: Id(3)] string ActorApiKeyId,
    [property: Id(4)] string RequestSha256);

/// <summary>
/// The outcome of a proxied operation. When <see cref="EnvelopeJson"/> is set the answer is an envelope (success or
/// an upstream error whose body is inside it); otherwise the call was refused before any upstream call and
/// <see cref="ErrorType"/> says why. The upstream's paging cursor and rate-limit headers travel only inside the
/// envelope's signed extras (envelope v2), never beside it.
/// </summary>
[GenerateSerializer, Immutable, Alias("qs.ProxyResult")]
public sealed record ProxyResult(
    [property: Id(0)] string AuditEventId,
    [property: Id(1)] bool Success,
    [property: Id(2)] string? EnvelopeJson,
    [property: Id(3)] string? ErrorType,
    [property: Id(4)] string? ErrorMessage,
    [property: Id(5)] string? ErrorField,
    [property: Id(6)] int? UpstreamStatus,
    [property: Id(7)] int? RetryAfterSeconds);

/// <summary>Stable proxy error types (the <c>error.type</c> of an envelope and the problem type suffix).</summary>
public static class ProxyErrorTypes
{
    /// <summary>The operation is not on the integration's allowlist.</summary>
    public const string OperationNotAllowed = "operation_not_allowed";

    /// <summary>The connector has no such operation.</summary>
    public const string UnknownOperation = "unknown_operation";

    /// <summary>The payload is invalid.</summary>
    public const string InvalidPayload = "invalid_payload";

    /// <summary>The upstream refused the credentials.</summary>
    public const string CredentialRejected = "upstream_credential_rejected";

    /// <summary>The upstream answered 401 even after a fresh token.</summary>
    public const string Unauthorized = "upstream_unauthorized";

    /// <summary>The upstream answered 403.</summary>
    public const string Forbidden = "upstream_forbidden";

    /// <summary>The upstream answered 404.</summary>
    public const string NotFound = "upstream_not_found";

    /// <summary>The upstream rejected the request (other 4xx).</summary>
    public const string ClientError = "upstream_client_error";

    /// <summary>The upstream rate-limited the call.</summary>
    public const string RateLimited = "upstream_rate_limited";

    /// <summary>The upstream failed (5xx) after bounded retries.</summary>
    public const string ServerError = "upstream_server_error";

    /// <summary>The upstream did not answer in time.</summary>
    public const string Timeout = "upstream_timeout";

    /// <summary>The upstream could not be reached or the host policy refused it.</summary>
    public const string Unreachable = "upstream_unreachable";

    /// <summary>No active recipient key (the named one, or any) to seal the answer to; refused before the upstream.</summary>
    public const string NoRecipientKey = "no_recipient_key";
}
