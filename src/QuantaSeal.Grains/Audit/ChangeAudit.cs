using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// How a grain records a change to QuantaSeal's own state, or a refusal of one, in the tenant's chain (DESIGN §7, "no
/// side effect without its event", "audited where it happens"). The grain state store and the audit chain are separate
/// stores and cannot commit together, so a change is bracketed:
/// <list type="number">
/// <item>the intent (<c>attempted</c>) is published durably before anything changes; if it cannot be, the publisher
/// throws and nothing changes (the front door answers 503);</item>
/// <item>the change runs to its end without the caller's token (a cancelled caller cannot leave it half done);</item>
/// <item>the outcome (<c>success</c>, <c>denied</c> for a refusal found mid-change, <c>failed</c>) follows with
/// <c>attempt_event_id</c>, also without the caller's token, so a caller that went away never suppresses it.</item>
/// </list>
/// An intent without an outcome means the process (or the audit store) stopped in between: the change may or may not
/// have happened, and the chain says so. A refusal decided before any change is one <c>denied</c> event, and the
/// exception the caller gets carries its id (<see cref="IAuditedRefusal"/>), so the front door does not record it twice.
/// </summary>
internal sealed partial class ChangeAudit(IAuditPublisher publisher, TimeProvider timeProvider, ILogger<ChangeAudit> logger)
{
    /// <summary>
    /// The actor of the current grain call: the one the caller named (<see cref="TenantCallContext.SetActor"/>; the
    /// front door names the API key id), <see cref="AuditActors.Operator"/> for an operator call that named none, and
    /// <see cref="AuditActors.Unattributed"/> for a call that named nobody (an embedding service, a test).
    /// </summary>
    /// <exception cref="QuantaSealValidationException">The named actor cannot be chained (too long).</exception>
    public static string CurrentActor()
    {
        var actor = TenantCallContext.CurrentActor;
        if (string.IsNullOrWhiteSpace(actor))
        {
            return TenantCallContext.IsOperator ? AuditActors.Operator : AuditActors.Unattributed;
        }

        // Checked here, before any intent: an event the chain would refuse must never be the reason a change half-ran.
        return actor.Length > AuditEventRules.MaxFieldLength
            ? throw new QuantaSealValidationException("actor", $"The actor named in the call context must be at most {AuditEventRules.MaxFieldLength} characters.")
            : actor;
    }

    /// <summary>Publishes one event (a read, a no-op change, a check) and returns its id.</summary>
    public async Task<string> RecordAsync(AuditSubject subject, string outcome, string? attemptEventId = null, string? actor = null)
    {
        var eventId = AuditIds.New();
        var auditEvent = new AuditEvent(
            eventId, subject.TenantId, null, timeProvider.GetUtcNow(), actor ?? CurrentActor(), subject.Action, subject.IntegrationId,
            null, outcome, null, subject.RequestSha256, null, subject.ObjectId, attemptEventId);

        // Never the caller's token: an event that may already be durable must not be reported as "not recorded".
        await publisher.PublishAsync(auditEvent, CancellationToken.None);
        return eventId;
    }

    /// <summary>
    /// Records <paramref name="refusal"/> as one <c>denied</c> event and returns the exception to throw: the same
    /// refusal, carrying the event id.
    /// </summary>
    public async Task<Exception> DeniedAsync(AuditSubject subject, Exception refusal, string? actor = null)
    {
        var eventId = await RecordAsync(subject, AuditOutcomes.Denied, actor: actor);
        return Stamp(refusal, eventId);
    }

    /// <summary>
    /// Runs <paramref name="change"/> between its intent and outcome events (see the type's remarks) and returns its
    /// result. The caller has done every check that needs no state change before calling this.
    /// </summary>
    public async Task<T> ChangeAsync<T>(AuditSubject subject, Func<Task<T>> change, CancellationToken cancellationToken, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        actor ??= CurrentActor();
        cancellationToken.ThrowIfCancellationRequested();
        var intent = await RecordAsync(subject, AuditOutcomes.Attempted, actor: actor);
        T result;
        try
        {
            result = await change();
        }
        catch (Exception ex)
        {
            var refused = IsRefusal(ex);
            string? outcomeId = null;
            try
            {
                outcomeId = await RecordAsync(subject, refused ? AuditOutcomes.Denied : AuditOutcomes.Failed, intent, actor);
            }
            catch (Exception auditException)
            {
                // The change failed and its outcome is not recorded either: the intent stays alone ("may or may not"),
                // and the caller learns why the change failed. Types only, no messages.
                Log.OutcomeNotRecorded(logger, subject.TenantId, subject.Action, intent, ex.GetType(), auditException.GetType());
            }

            if (refused && outcomeId is not null)
            {
                throw Stamp(ex, outcomeId);
            }

            throw;
        }

        await RecordAsync(subject, AuditOutcomes.Success, intent, actor);
        return result;
    }

    /// <summary>Whether <paramref name="exception"/> is an expected refusal (400/404/409 at the front door), not a failure.</summary>
    public static bool IsRefusal(Exception exception) => exception is IAuditedRefusal;

    /// <summary>The refusal again, carrying <paramref name="eventId"/>; any other exception unchanged.</summary>
    public static Exception Stamp(Exception exception, string eventId) => exception switch
    {
        QuantaSealValidationException v => new QuantaSealValidationException(v.Field, v.Message) { AuditEventId = eventId },
        TenantAccessDeniedException t => new TenantAccessDeniedException(t.Message) { AuditEventId = eventId },
        CredentialInUseException c => new CredentialInUseException(c.Message) { AuditEventId = eventId },
        NoRecipientKeyException n => new NoRecipientKeyException(n.Message) { AuditEventId = eventId },
        _ => exception,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Tenant {TenantId}: the outcome of {Action} (intent {IntentEventId}) could not be recorded after the change failed with {ExceptionType}; recording failed with {AuditExceptionType}")]
        public static partial void OutcomeNotRecorded(ILogger logger, string tenantId, string action, string intentEventId, Type exceptionType, Type auditExceptionType);
    }
}

/// <summary>What an audited change names: the tenant's chain, the action, the object changed and the integration, if any.</summary>
internal readonly record struct AuditSubject(string TenantId, string Action, string? ObjectId, string? IntegrationId = null, string? RequestSha256 = null);
