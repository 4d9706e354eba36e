using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Server.Http;

/// <summary>
/// Maps exceptions to problem+json in one place. Only messages written for clients (validation) reach the
/// response; anything else becomes a generic problem, and the operator log carries the exception type.
/// </summary>
internal sealed partial class QuantaSealExceptionHandler(IProblemDetailsService problems, ILogger<QuantaSealExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            QuantaSealValidationException v => WithField(Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.ValidationFailed, "The request is invalid.", v.Message), v.Field),
            TenantAccessDeniedException => Problems.NotFoundProblem(),
            CredentialInUseException c => Problems.Create(StatusCodes.Status409Conflict, ProblemTypes.CredentialInUse, "The credential is in use.", c.Message),
            NoRecipientKeyException => Problems.NoRecipientKeyProblem("Register a recipient key first."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "The request body is too large."),
            BadHttpRequestException b => Problems.Create(b.StatusCode, ProblemTypes.MalformedJson, "The request could not be read."),
            AuditStreamUnavailableException => Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.AuditUnavailable,
                "The audit event could not be recorded durably, so the request was refused.",
                "Nothing was returned. Retry when the audit store is reachable again."),
            // Someone changed the database (or restored an older copy): the operator log and metric name the record; the
            // client learns only that the stored record was refused, nothing about which or why.
            RecordIntegrityException => Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.RecordRefused,
                "A stored record this request needs failed its integrity check.",
                "The request was refused and nothing was changed. The operator has been alerted; retrying will not help until they act."),
            AuditStoreUnavailableException => Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.AuditUnavailable,
                "The audit store is unavailable.", "Retry when the audit store is reachable again."),
            OrleansException or TimeoutException or OperationCanceledException when !httpContext.RequestAborted.IsCancellationRequested =>
                Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.ServiceUnavailable, "The service is temporarily unavailable; retry later."),
            _ => null,
        };

        var exceptionType = exception.GetType();
        if (problem is null)
        {
            Log.Unhandled(logger, exceptionType, httpContext.TraceIdentifier);
            problem = Problems.Create(StatusCodes.Status500InternalServerError, ProblemTypes.Internal, "An internal error occurred.", $"Trace id: {httpContext.TraceIdentifier}");
        }
        else
        {
            var status = problem.Status ?? 0;
            Log.Mapped(logger, exceptionType, status, httpContext.TraceIdentifier);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable && exception is not RecordIntegrityException)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = null });
    }

    private static ProblemDetails WithField(ProblemDetails problem, string field)
    {
        problem.Extensions["field"] = field;
        return problem;
    }

    private static partial class Log
    {
        // Only the exception type: exception messages from lower layers are not trusted to be free of secrets.
        [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} (trace {TraceId})")]
        public static partial void Unhandled(ILogger logger, Type exceptionType, string traceId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "{ExceptionType} answered with {Status} (trace {TraceId})")]
        public static partial void Mapped(ILogger logger, Type exceptionType, int status, string traceId);
    }
}
