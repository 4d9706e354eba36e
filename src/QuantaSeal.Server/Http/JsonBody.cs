using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace QuantaSeal.Server.Http;

/// <summary>
/// Reads a JSON request body strictly (unknown members, wrong types and trailing garbage are rejected) and turns
/// every failure into a 400/413/415 problem that names the field, without echoing any value from the body.
/// </summary>
internal static partial class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(Problems.Create(
                StatusCodes.Status415UnsupportedMediaType,
                ProblemTypes.UnsupportedMediaType,
                "The request body must be application/json.")));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            // Buffered (the body is already bounded by the server's request size limit) so that every string in it
            // can be checked for valid Unicode before any of it is used (see JsonTextCheck). The buffer may hold
            // credential values, so it is wiped once parsed; JsonElement members own a copy.
            using var copy = new MemoryStream(request.ContentLength is > 0 and <= 1024 * 1024 ? (int)request.ContentLength.Value : 0);
            try
            {
                await request.Body.CopyToAsync(copy, cancellationToken);
                var buffer = copy.GetBuffer().AsMemory(0, (int)copy.Length);
                if (JsonTextCheck.FindInvalidString(buffer.Span) is { } badField)
                {
                    return (null, Problems.Validation(badField, $"'{badField}' must be valid Unicode text (UTF-8, no unpaired surrogates)."));
                }

                var value = JsonSerializer.Deserialize<T>(buffer.Span, options);
                return value is null
                    ? (null, Problems.MalformedJson(null, "The request body must be a JSON object."))
                    : (value, null);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(copy.GetBuffer());
            }
        }
        catch (JsonException ex)
        {
            return (null, FromJsonException(ex));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    public static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(Problems.Create(
            StatusCodes.Status413PayloadTooLarge,
            ProblemTypes.PayloadTooLarge,
            "The request body is too large."));

    private static ProblemHttpResult FromJsonException(JsonException ex)
    {
        // System.Text.Json's messages include .NET type names; only the JSON path and, for unknown members, the
        // member name (bounded, from a fixed pattern) are passed on.
        var unknown = UnmappedMember().Match(ex.Message);
        if (unknown.Success)
        {
            var name = unknown.Groups[1].Value;
            name = name.Length > 64 ? name[..64] : name;
            return Problems.MalformedJson(name, $"Unknown field '{name}'.");
        }

        var missing = MissingRequired().Match(ex.Message);
        if (missing.Success)
        {
            var names = missing.Groups[1].Value;
            return Problems.MalformedJson(names, $"Missing required field(s): {names}.");
        }

        var field = FieldFromPath(ex.Path);
        return field is null
            ? Problems.MalformedJson(null, "The request body is not well-formed JSON.")
            : Problems.MalformedJson(field, $"Field '{field}' is malformed or has the wrong type.");
    }

    internal static string? FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length > 128 ? field[..128] : field;
    }

    [GeneratedRegex(@"The JSON property '([A-Za-z0-9_\-\.]{1,200})' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"missing required properties including: ([A-Za-z0-9_',\s]{1,300})\.", RegexOptions.CultureInvariant)]
    private static partial Regex MissingRequired();
}
