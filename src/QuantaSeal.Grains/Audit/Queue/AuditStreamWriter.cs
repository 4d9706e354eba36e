using System.Data.Common;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using QuantaSeal.Abstractions.Audit;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// Publishes audit events and turns every failure into <see cref="AuditStreamUnavailableException"/>. When a call
/// returns, its events are durable (one committed row on PostgreSQL); when it throws, none of them may be reported to
/// anyone as recorded.
/// </summary>
/// <remarks>
/// Publish a batch (<see cref="EnqueueBatchAsync"/>) whenever several events are ready: it is one row and one round
/// trip for all of them, roughly ten times the events per second of single publishes (DESIGN §7).
/// </remarks>
internal static partial class AuditStreamWriter
{
    /// <summary>Enqueues one event on its tenant's stream.</summary>
    /// <exception cref="AuditStreamUnavailableException">The event is not durable.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before anything was sent.</exception>
    internal static async Task EnqueueAsync(
        IAsyncStream<AuditEvent> stream, AuditEvent auditEvent, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentNullException.ThrowIfNull(logger);
        // The provider takes no token: once the insert is sent it runs to completion or to the Npgsql timeouts.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await stream.OnNextAsync(auditEvent);
        }
        catch (Exception ex)
        {
            throw Refused(ex, stream, 1, logger);
        }
    }

    /// <summary>Enqueues several events of one tenant as one message, in list order.</summary>
    /// <exception cref="AuditStreamUnavailableException">None of the events is durable.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before anything was sent.</exception>
    internal static async Task EnqueueBatchAsync(
        IAsyncStream<AuditEvent> stream, IReadOnlyList<AuditEvent> events, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(logger);
        if (events.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await stream.OnNextBatchAsync(events);
        }
        catch (Exception ex)
        {
            throw Refused(ex, stream, events.Count, logger);
        }
    }

    private static AuditStreamUnavailableException Refused(Exception exception, IAsyncStream<AuditEvent> stream, int eventCount, ILogger logger)
    {
        if (exception is AuditStreamUnavailableException already)
        {
            return already;
        }

        // Driver exceptions do not always serialise across a grain call and their messages may name hosts: log the
        // original here, send only its kind to the caller.
        var cause = exception is DbException { SqlState: { Length: > 0 } sqlState }
            ? $"{exception.GetType().Name} (SQLSTATE {sqlState})"
            : exception.GetType().Name;
        Log.EnqueueFailed(logger, exception, stream.StreamId.ToString(), eventCount, cause);
        return new AuditStreamUnavailableException(cause, eventCount);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuditStreamLogEventIds.EnqueueFailed, Level = LogLevel.Error,
            Message = "Could not enqueue {EventCount} audit events on stream {StreamId} ({Cause}); the action is refused")]
        public static partial void EnqueueFailed(ILogger logger, Exception exception, string streamId, int eventCount, string cause);
    }
}
