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

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Type = ProblemTypes.NotFound,
            Title = "Not found.",
            Detail = $"No {what} with that id exists for this tenant.",
        });

    /// <summary>409: there is no active recipient key to seal to (echo, unseal, proxy).</summary>
    public static ProblemHttpResult NoRecipientKey(string detail) =>
        TypedResults.Problem(Create(StatusCodes.Status409Conflict, ProblemTypes.NoRecipientKey, "No matching active recipient key.", detail));

    public static ProblemDetails Create(int status, string type, string title, string? detail = null) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };
}
