namespace QuantaSeal.Grains.Hosting.Streaming;

/// <summary>
/// Fixed log event ids of the audit stream transport (range 7200-7299). Kept here until the project has one
/// LogEventIds catalog; move them there unchanged (operators alert on them).
/// </summary>
internal static class AuditStreamLogEventIds
{
    internal const int EnqueueFailed = 7200;
}
