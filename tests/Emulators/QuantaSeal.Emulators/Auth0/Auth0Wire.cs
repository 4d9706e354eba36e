using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>Auth0's response bodies: JSON results, management errors and token endpoint errors.</summary>
internal static class Auth0Wire
{
    // Auth0 does not \u-escape quotes or '<' in its JSON; neither does the emulator (the bodies are JSON, not HTML).
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a JSON body.</summary>
    public static Task JsonAsync(HttpContext context, int status, JsonNode node)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(node.ToJsonString(Relaxed), context.RequestAborted);
    }

    /// <summary>A Management API error: <c>{statusCode, error, message, errorCode?}</c>.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string message, string? errorCode = null)
    {
        var body = new JsonObject
        {
            ["statusCode"] = status,
            ["error"] = Reason(status),
            ["message"] = message,
        };
        if (errorCode is not null)
        {
            body["errorCode"] = errorCode;
        }

        return JsonAsync(context, status, body);
    }

    /// <summary>A token endpoint error: <c>{error, error_description}</c>.</summary>
    public static Task TokenErrorAsync(HttpContext context, int status, string error, string description) =>
        JsonAsync(context, status, new JsonObject { ["error"] = error, ["error_description"] = description });

    /// <summary>400 for a query string that fails Auth0's validation.</summary>
    public static Task QueryErrorAsync(HttpContext context, string message) =>
        ErrorAsync(context, 400, "Query validation error: " + message, "invalid_query_string");

    /// <summary>400 for a body that fails Auth0's validation.</summary>
    public static Task BodyErrorAsync(HttpContext context, string message) =>
        ErrorAsync(context, 400, "Payload validation error: " + message, "invalid_body");

    private static string Reason(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
