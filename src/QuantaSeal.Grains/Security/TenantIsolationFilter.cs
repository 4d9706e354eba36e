using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Grains.Security;

/// <summary>
/// Tenant isolation on every grain call: a call to a tenant-owned grain runs only when the caller tenant in the
/// request context owns it. The front door's checks are the first line; this is the one that cannot be forgotten
/// by a new endpoint or an embedding service.
/// </summary>
internal sealed partial class TenantIsolationFilter(ILogger<TenantIsolationFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Only QuantaSeal's own grain interfaces are tenant calls; Orleans' system calls into the activation (grain
        // timers, reminders, stream deliveries) carry no caller and are not checked here.
        if (context.TargetContext?.GrainInstance is ITenantOwned owned && IsQuantaSealInterface(context.InterfaceMethod?.DeclaringType))
        {
            var methodName = context.ImplementationMethod?.Name ?? context.MethodName;
            if (!owned.IsCallAllowed(methodName, TenantCallContext.CurrentTenant, TenantCallContext.IsOperator))
            {
                Log.CrossTenantCallRefused(logger, context.TargetId, methodName);
                throw new TenantAccessDeniedException();
            }
        }

        await context.Invoke();
    }

    private static bool IsQuantaSealInterface(Type? type) =>
        type?.Namespace is { } ns && ns.StartsWith("QuantaSeal.", StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Refused a grain call that crosses tenants: {GrainId}.{Method}")]
        public static partial void CrossTenantCallRefused(ILogger logger, GrainId grainId, string method);
    }
}
