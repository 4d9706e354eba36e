namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Fixed log event ids of the audit stream transport (range 7200-7299). Kept here until the project has one
/// LogEventIds catalog; move them there unchanged (operators alert on them).
/// </summary>
internal static class AuditStreamLogEventIds
{
    internal const int EnqueueFailed = 7200;
    internal const int DeadLettered = 7202;
    internal const int DeadLetterFailed = 7203;
    internal const int UnreadableMessage = 7204;
    internal const int PositionRegressed = 7205;
    internal const int StrandedQueues = 7206;
    internal const int DeadLettersAttributed = 7207;
}
