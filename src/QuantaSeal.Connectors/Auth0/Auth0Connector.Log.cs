using Microsoft.Extensions.Logging;

namespace QuantaSeal.Connectors.Auth0;

/// <content>Log messages. They carry authorities (host:port), operation names, statuses, Auth0's short error codes
/// and timings; never a credential, a token, a body or a URI with its query.</content>
public sealed partial class Auth0Connector
{
    private static partial class Log
    {
        [LoggerMessage(EventId = Auth0LogEvents.TokenRequesting, Level = LogLevel.Debug,
            Message = "Requesting an Auth0 Management API token from {Authority} for {ScopeCount} scopes")]
        public static partial void TokenRequesting(ILogger logger, string authority, int scopeCount);

        [LoggerMessage(EventId = Auth0LogEvents.TokenAcquired, Level = LogLevel.Information,
            Message = "Acquired an Auth0 token from {Authority}: lifetime {LifetimeSeconds} s, {GrantedScopeCount} scopes, {ElapsedMs} ms")]
        public static partial void TokenAcquired(ILogger logger, string authority, long lifetimeSeconds, int grantedScopeCount, long elapsedMs);

        [LoggerMessage(EventId = Auth0LogEvents.TokenRejected, Level = LogLevel.Information,
            Message = "Auth0 at {Authority} refused the client credentials: {StatusCode} {ErrorCode}")]
        public static partial void TokenRejected(ILogger logger, string authority, int statusCode, string? errorCode);

        [LoggerMessage(EventId = Auth0LogEvents.TokenFailed, Level = LogLevel.Warning,
            Message = "Auth0 token endpoint at {Authority} failed: {StatusCode} {ErrorCode}")]
        public static partial void TokenFailed(ILogger logger, string authority, int statusCode, string? errorCode);

        [LoggerMessage(EventId = Auth0LogEvents.TokenUnreadable, Level = LogLevel.Warning,
            Message = "Auth0 token endpoint at {Authority} answered {StatusCode} without a usable bearer token")]
        public static partial void TokenUnreadable(ILogger logger, string authority, int statusCode);

        [LoggerMessage(EventId = Auth0LogEvents.TokenTransportFailed, Level = LogLevel.Warning,
            Message = "Auth0 token endpoint at {Authority} failed in transport: {FailureCode}")]
        public static partial void TokenTransportFailed(ILogger logger, string authority, string failureCode);

        [LoggerMessage(EventId = Auth0LogEvents.OperationSucceeded, Level = LogLevel.Debug,
            Message = "Auth0 {Operation} at {Authority} answered {StatusCode} in {ElapsedMs} ms")]
        public static partial void OperationSucceeded(ILogger logger, string operation, string authority, int statusCode, long elapsedMs);

        [LoggerMessage(EventId = Auth0LogEvents.OperationRejected, Level = LogLevel.Information,
            Message = "Auth0 {Operation} at {Authority} answered {StatusCode} {ErrorCode} in {ElapsedMs} ms")]
        public static partial void OperationRejected(ILogger logger, string operation, string authority, int statusCode, string? errorCode, long elapsedMs);

        [LoggerMessage(EventId = Auth0LogEvents.OperationFailed, Level = LogLevel.Warning,
            Message = "Auth0 {Operation} at {Authority} failed with {StatusCode} {ErrorCode} after {ElapsedMs} ms")]
        public static partial void OperationFailed(ILogger logger, string operation, string authority, int statusCode, string? errorCode, long elapsedMs);

        [LoggerMessage(EventId = Auth0LogEvents.OperationRateLimited, Level = LogLevel.Information,
            Message = "Auth0 {Operation} at {Authority} is rate limited; retry after {RetryAfterSeconds} s ({ElapsedMs} ms)")]
        public static partial void OperationRateLimited(ILogger logger, string operation, string authority, long? retryAfterSeconds, long elapsedMs);

        [LoggerMessage(EventId = Auth0LogEvents.OperationTransportFailed, Level = LogLevel.Warning,
            Message = "Auth0 {Operation} at {Authority} failed in transport: {FailureCode} after {ElapsedMs} ms")]
        public static partial void OperationTransportFailed(ILogger logger, string operation, string authority, string failureCode, long elapsedMs);

        [LoggerMessage(EventId = Auth0LogEvents.ResponseTooLarge, Level = LogLevel.Warning,
            Message = "Auth0 {Operation} at {Authority} answered {StatusCode} with a body over the size limit; dropped")]
        public static partial void ResponseTooLarge(ILogger logger, string operation, string authority, int statusCode);
    }
}
