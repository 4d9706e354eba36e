using Microsoft.Extensions.Logging;

namespace QuantaSeal.Grains.Integrations;

/// <summary>The integration grain's own log lines (the token cache and the proxy pipeline log theirs).</summary>
internal sealed partial class IntegrationGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Tenant {TenantId} created integration {IntegrationId} ({SystemType}, {OperationCount} operations allowed)")]
        public static partial void Created(ILogger logger, string tenantId, string integrationId, string systemType, int operationCount);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Tenant {TenantId} updated integration {IntegrationId}")]
        public static partial void Updated(ILogger logger, string tenantId, string integrationId);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Tenant {TenantId} deleted integration {IntegrationId}")]
        public static partial void Deleted(ILogger logger, string tenantId, string integrationId);

        [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Integration {IntegrationId} of tenant {TenantId}: undid the {Step} step after a failed request ({ExceptionType})")]
        public static partial void Compensated(ILogger logger, string tenantId, string integrationId, string step, Type exceptionType);

        [LoggerMessage(EventId = 1311, Level = LogLevel.Error, Message = "Integration {IntegrationId} of tenant {TenantId}: could not undo the {Step} step after a failed request ({ExceptionType}); the undo failed with {UndoExceptionType}")]
        public static partial void CompensationFailed(ILogger logger, string tenantId, string integrationId, string step, Type exceptionType, Type undoExceptionType);

        [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Integration {IntegrationId} of tenant {TenantId}: detaching its former credential failed ({ExceptionType}); the credential drops the stale entry when it is deleted")]
        public static partial void DetachFailed(ILogger logger, string tenantId, string integrationId, Type exceptionType);

        [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Integration {IntegrationId} of tenant {TenantId}: deleted, but removing it from the directory failed ({ExceptionType}); it lists as nothing and a repeated delete retries")]
        public static partial void DirectoryCleanupFailed(ILogger logger, string tenantId, string integrationId, Type exceptionType);
    }
}
