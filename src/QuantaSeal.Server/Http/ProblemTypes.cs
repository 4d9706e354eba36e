namespace QuantaSeal.Server.Http;

/// <summary>
/// The stable problem <c>type</c> URIs (RFC 9457 §3.1.1). A type never changes meaning once shipped.
/// </summary>
internal static class ProblemTypes
{
    private const string Base = "https://quantaseal.dev/problems/";

    public const string ValidationFailed = Base + "validation-failed";
    public const string MalformedJson = Base + "malformed-json";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string Unauthenticated = Base + "unauthenticated";
    public const string InsufficientScope = Base + "insufficient-scope";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string ServiceUnavailable = Base + "service-unavailable";
    public const string NoRecipientKey = Base + "no-recipient-key";
    public const string CredentialInUse = Base + "credential-in-use";
    public const string OperationNotAllowed = Base + "operation-not-allowed";
    public const string UpstreamError = Base + "upstream-error";
    public const string UpstreamRateLimited = Base + "upstream-rate-limited";
    public const string UpstreamTimeout = Base + "upstream-timeout";
    public const string AuditUnavailable = Base + "audit-unavailable";
    public const string RateLimited = Base + "rate-limited";
    public const string RecordRefused = Base + "record-refused";
    public const string Internal = Base + "internal-error";
}
