using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// The emulator's HTTP surface: <c>POST /oauth/token</c> and the Management API v2 operations QuantaSeal uses, with
/// Auth0's checks in Auth0's order (token, scope, query/body validation) and its wire formats. Every request is
/// recorded first, then delayed and faulted as the knobs say.
/// </summary>
internal sealed partial class Auth0Api(Auth0EmulatorState state, Auth0TokenIssuer issuer, CancellationToken stopping)
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Headers and one byte of body, then nothing until the caller (or the emulator) gives up.</summary>
    private async Task StallAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await context.Response.Body.WriteAsync("["u8.ToArray(), linked.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(linked.Token).ConfigureAwait(false);
            await Task.Delay(Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            state.CountStalledAbandoned();
            context.Abort();
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        var mark = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = mark < 0 ? rawTarget : rawTarget[..mark];
        var rawQuery = mark < 0 ? string.Empty : rawTarget[(mark + 1)..];
        var isToken = string.Equals(rawPath, "/oauth/token", StringComparison.Ordinal);
        var bearer = Bearer(request);
        var members = !isToken && HasJsonBody(request) ? await BodyMembersAsync(request).ConfigureAwait(false) : [];
        state.Record(request.Method, rawPath, rawQuery, bearer is null ? null : Auth0TokenIssuer.PeekTokenId(bearer), members);

        var latency = state.Latency;
        if (latency > TimeSpan.Zero)
        {
            // Real time on purpose: latency exists to exercise the caller's real timeouts.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(latency, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return;
            }
        }

        if (!isToken && state.ArriveAtOverlapGate() is { } overlap)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await overlap.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return;
            }
        }

        if (!isToken && state.StallBody)
        {
            await StallAsync(context).ConfigureAwait(false);
            return;
        }

        var (limit, remaining, reset, over) = state.CountInWindow();
        var headers = context.Response.Headers;
        headers["x-ratelimit-limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset"] = reset.ToString(CultureInfo.InvariantCulture);

        var fault = state.TakeFault(isToken);
        if (fault is null && over && state.EnforceRateLimit)
        {
            fault = (429, TimeSpan.FromSeconds(1));
        }

        if (fault is { } f)
        {
            await FaultAsync(context, isToken, f.Status, f.RetryAfter).ConfigureAwait(false);
            return;
        }

        var segments = Segments(rawPath);
        if (isToken)
        {
            if (!HttpMethods.IsPost(request.Method))
            {
                await Auth0Wire.ErrorAsync(context, 404, "Not Found").ConfigureAwait(false);
                return;
            }

            await TokenAsync(context).ConfigureAwait(false);
            return;
        }

        if (segments is null || segments.Length < 3 || segments[0] != "api" || segments[1] != "v2")
        {
            await Auth0Wire.ErrorAsync(context, 404, "Not Found").ConfigureAwait(false);
            return;
        }

        await ManagementAsync(context, segments[2..], bearer).ConfigureAwait(false);
    }

    private async Task FaultAsync(HttpContext context, bool isToken, int status, TimeSpan? retryAfter)
    {
        if (status == 429)
        {
            context.Response.Headers["x-ratelimit-remaining"] = "0";
            if (retryAfter is { } wait)
            {
                if (state.RateLimitSendsRetryAfter)
                {
                    context.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                context.Response.Headers["x-ratelimit-reset"] = (state.Time.GetUtcNow() + wait).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            }

            if (isToken)
            {
                await Auth0Wire.TokenErrorAsync(context, 429, "too_many_requests", "Global limit has been reached").ConfigureAwait(false);
            }
            else
            {
                await Auth0Wire.ErrorAsync(context, 429, "Global limit has been reached", "too_many_requests").ConfigureAwait(false);
            }

            return;
        }

        if (isToken)
        {
            await Auth0Wire.TokenErrorAsync(context, status, "server_error", "The authorization server is unavailable (emulated failure).").ConfigureAwait(false);
        }
        else
        {
            await Auth0Wire.ErrorAsync(context, status, "The service is unavailable (emulated failure).").ConfigureAwait(false);
        }
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static bool HasJsonBody(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsPut(request.Method))
        && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The body's top-level member names (for the request log); the body is rewound for the handler.</summary>
    private static async Task<IReadOnlyList<string>> BodyMembersAsync(HttpRequest request)
    {
        request.EnableBuffering(MaxBodyBytes, MaxBodyBytes);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object ? [.. document.RootElement.EnumerateObject().Select(p => p.Name)] : [];
        }
        catch (JsonException)
        {
            return [];
        }
        catch (IOException)
        {
            return [];
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    /// <summary>Unescaped path segments (so <c>auth0%7C123</c> is the id <c>auth0|123</c>); null for a malformed path.</summary>
    private static string[]? Segments(string rawPath)
    {
        try
        {
            var parts = rawPath.Split('/', StringSplitOptions.None);
            var list = parts.Skip(1).Select(Uri.UnescapeDataString).ToList();
            if (list.Count > 0 && list[^1].Length == 0)
            {
                list.RemoveAt(list.Count - 1);
            }

            return [.. list];
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    private static async Task<JsonObject?> ReadJsonObjectAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var fromForm = new JsonObject();
            foreach (var (name, value) in form)
            {
                fromForm[name] = value.ToString();
            }

            return fromForm;
        }

        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return node as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject body, string name) =>
        body.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;
}
