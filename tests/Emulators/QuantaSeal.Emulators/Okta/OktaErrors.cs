using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Okta;

/// <summary>Okta's two error wire formats: management API error objects and OAuth 2.0 errors at the token endpoint.</summary>
internal static class OktaErrors
{
    /// <summary>Writes <c>{errorCode, errorSummary, errorLink, errorId, errorCauses}</c>.</summary>
    public static Task ApiAsync(HttpContext context, int status, string code, string summary, params string[] causes)
    {
        var body = new JsonObject
        {
            ["errorCode"] = code,
            ["errorSummary"] = summary,
            ["errorLink"] = code,
            ["errorId"] = "oae" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)),
            ["errorCauses"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject { ["errorSummary"] = c })]),
        };
        return JsonAsync(context, status, body);
    }

    /// <summary>Writes <c>{error, error_description}</c> (RFC 6749 §5.2).</summary>
    public static Task OAuthAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return JsonAsync(context, status, new JsonObject { ["error"] = error, ["error_description"] = description });
    }

    public static Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
