using Microsoft.AspNetCore.Http.HttpResults;

namespace QuantaSeal.Server.Audit;

/// <summary>
/// A handler's refusal (a problem+json answer) with what its audit needs, as a typed value instead of request state:
/// either the id of the event a grain already recorded for it (<see cref="AuditEventId"/>; the edge records nothing),
/// or what the edge's <c>denied</c> event should name (<see cref="Target"/>). <see cref="DeniedAuditFilter"/> reads it.
/// A plain problem result is a refusal nobody recorded yet, naming what the route names.
/// </summary>
internal sealed class Refusal(ProblemHttpResult problem, RefusalTarget? target = null, string? auditEventId = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult<Microsoft.AspNetCore.Mvc.ProblemDetails>
{
    /// <summary>The answer.</summary>
    public ProblemHttpResult Problem { get; } = problem;

    /// <summary>What the edge's denied event names, when the edge records it.</summary>
    public RefusalTarget? Target { get; } = target;

    /// <summary>The event a grain recorded for this refusal, or <see langword="null"/> when nobody did yet.</summary>
    public string? AuditEventId { get; } = auditEventId;

    /// <inheritdoc/>
    public int? StatusCode => Problem.StatusCode;

    /// <inheritdoc/>
    public Microsoft.AspNetCore.Mvc.ProblemDetails Value => Problem.ProblemDetails;

    /// <summary>A refusal a grain already recorded (the exception or result carried the event id).</summary>
    public static Refusal Recorded(ProblemHttpResult problem, string? auditEventId) => new(problem, null, auditEventId);

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext) => Problem.ExecuteAsync(httpContext);
}
