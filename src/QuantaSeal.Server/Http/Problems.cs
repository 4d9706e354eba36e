using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace QuantaSeal.Server.Http;

/// <summary>Builders for the problem+json answers; the one place status, type and title are paired.</summary>
internal static class Problems
{
    public static ProblemHttpResult Validation(string field, string detail) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.ValidationFailed,
            Title = "The request is invalid.",
            Detail = detail,
            Extensions = { ["field"] = field },
        });

    public static ProblemHttpResult MalformedJson(string? field, string detail)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.MalformedJson,
            Title = "The request body is not valid JSON for this operation.",
            Detail = detail,
        };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>The one detail of every 404 (see <see cref="NotFound"/>).</summary>
    public const string NotFoundDetail = "No such object exists for this tenant.";

    /// <summary>
    /// 404 for an id that does not exist, or that belongs to another tenant (DESIGN §9: never reveal that it exists).
    /// The body is the same for both and for every kind of object: a detail that named the kind on one path and not on
    /// the other (the tenant-isolation refusal surfaces as an exception) told a caller which ids exist elsewhere.
    /// </summary>
    /// <param name="what">The kind of object, for the reader of the call site only; deliberately not in the body.</param>
    public static ProblemHttpResult NotFound(string what) => TypedResults.Problem(NotFoundProblem());

    /// <summary>The 404 problem, also used by the exception handler for the tenant-isolation refusal.</summary>
    public static ProblemDetails NotFoundProblem() =>
        Create(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found.", NotFoundDetail);

    /// <summary>409: there is no active recipient key to seal to (echo, unseal, proxy).</summary>
    public static ProblemHttpResult NoRecipientKey(string detail) => TypedResults.Problem(NoRecipientKeyProblem(detail));

    /// <summary>The 409 when there is no (such) active recipient key to seal to.</summary>
    public static ProblemDetails NoRecipientKeyProblem(string detail) =>
        Create(StatusCodes.Status409Conflict, ProblemTypes.NoRecipientKey, "No matching active recipient key.", detail);

    /// <summary>
    /// The one 429 of QuantaSeal's own limits (per key, per address, failed authentication): sets <c>Retry-After</c>
    /// (whole seconds, at least 1) on the response and returns the problem to write.
    /// </summary>
    public static ProblemDetails RateLimited(HttpContext http, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited, "Too many requests.",
            "This client exceeded a rate limit; retry after the number of seconds in Retry-After.");
    }

    public static ProblemDetails Create(int status, string type, string title, string? detail = null) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };
}
