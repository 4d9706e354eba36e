using Microsoft.Extensions.Logging;

namespace QuantaSeal.Connectors.Okta;

/// <summary>
/// Log messages of the Okta connector. They carry hosts (never URIs with queries), operation names, status codes,
/// Okta/OAuth error codes, scope counts and latencies — never tokens, assertions, proofs, keys, secrets or bodies.
/// </summary>
public sealed partial class OktaConnector
{
    private static partial class Log
    {
        [LoggerMessage(OktaLogEvents.TokenAcquired, LogLevel.Information, "Okta token acquired from {Host}: scheme {Scheme}, {ScopeCount} scopes, expires in {ExpiresInSeconds} s")]
        public static partial void TokenAcquired(ILogger logger, string host, string scheme, int scopeCount, long expiresInSeconds);

        [LoggerMessage(OktaLogEvents.TokenRefused, LogLevel.Information, "Okta token endpoint {Host} refused the credentials: status {StatusCode}, error {Error}")]
        public static partial void TokenRefused(ILogger logger, string host, int statusCode, string? error);

        [LoggerMessage(OktaLogEvents.TokenEndpointFailed, LogLevel.Warning, "Okta token endpoint {Host} failed: status {StatusCode}, outcome {Outcome}")]
        public static partial void TokenEndpointFailed(ILogger logger, string host, int statusCode, UpstreamOutcome outcome);

        [LoggerMessage(OktaLogEvents.DpopRequired, LogLevel.Information, "Okta service app requires DPoP at {Host}; using an ephemeral P-256 proof key")]
        public static partial void DpopRequired(ILogger logger, string host);

        [LoggerMessage(OktaLogEvents.DpopNonceRetry, LogLevel.Debug, "Okta asked for a DPoP nonce at {Host} ({Where}); retrying once with it")]
        public static partial void DpopNonceRetry(ILogger logger, string host, string where);

        [LoggerMessage(OktaLogEvents.ClientSecretRefusedLocally, LogLevel.Information, "Okta client-secret credential not sent to {Host}: okta.* scopes need private_key_jwt")]
        public static partial void ClientSecretRefusedLocally(ILogger logger, string host);

        [LoggerMessage(OktaLogEvents.PrivateKeyUnreadable, LogLevel.Information, "Okta private_key_jwt credential has an unusable private key")]
        public static partial void PrivateKeyUnreadable(ILogger logger);

        [LoggerMessage(OktaLogEvents.ApiTokenUsed, LogLevel.Debug, "Okta API token (SSWS) used for {Host}; no token request")]
        public static partial void ApiTokenUsed(ILogger logger, string host);

        [LoggerMessage(OktaLogEvents.OperationCompleted, LogLevel.Information, "Okta {Operation} at {Host}: status {StatusCode} in {ElapsedMs} ms")]
        public static partial void OperationCompleted(ILogger logger, string operation, string host, int statusCode, long elapsedMs);

        [LoggerMessage(OktaLogEvents.OperationFailed, LogLevel.Information, "Okta {Operation} at {Host}: status {StatusCode}, outcome {Outcome}, error {ErrorCode} in {ElapsedMs} ms")]
        public static partial void OperationFailed(ILogger logger, string operation, string host, int statusCode, UpstreamOutcome outcome, string? errorCode, long elapsedMs);

        [LoggerMessage(OktaLogEvents.TransportFailed, LogLevel.Warning, "Okta call {Call} to {Host} failed without a response: {Outcome}")]
        public static partial void TransportFailed(ILogger logger, string call, string host, UpstreamOutcome outcome);

        [LoggerMessage(OktaLogEvents.ResponseTooLarge, LogLevel.Warning, "Okta call {Call} to {Host}: response over {MaxBytes} bytes discarded")]
        public static partial void ResponseTooLarge(ILogger logger, string call, string host, int maxBytes);
    }
}
