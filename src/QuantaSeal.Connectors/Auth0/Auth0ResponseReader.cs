using System.Net.Http.Headers;
using System.Text.Json;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>Reads Auth0 responses: a size-capped body, the rate-limit headers, Retry-After and the error body's codes.</summary>
internal static class Auth0ResponseReader
{
    private const int MaxCodeLength = 64;

    /// <summary>
    /// Reads the body, at most <paramref name="maxBytes"/>; <c>null</c> when it is larger (nothing more is read).
    /// </summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
    }

    /// <summary>Auth0's <c>x-ratelimit-limit</c>, <c>-remaining</c> and <c>-reset</c> (Unix seconds); null when none is present.</summary>
    public static RateLimitInfo? RateLimit(HttpResponseHeaders headers)
    {
        var limit = UpstreamRetryAfter.Number(headers, "x-ratelimit-limit");
        var remaining = UpstreamRetryAfter.Number(headers, "x-ratelimit-remaining");
        var reset = UpstreamRetryAfter.Number(headers, UpstreamRetryAfter.Auth0ResetHeader);
        if (limit is null && remaining is null && reset is null)
        {
            return null;
        }

        return new RateLimitInfo(limit, remaining, UpstreamRetryAfter.FromUnixSeconds(reset));
    }

    /// <summary>
    /// When to retry: <c>Retry-After</c> (seconds or HTTP date), else, for a 429, the rate-limit reset; never negative.
    /// The resilience pipeline reads the same rule (<see cref="UpstreamRetryAfter"/>) for its retry delay.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, RateLimitInfo? rateLimit, DateTimeOffset now) =>
        UpstreamRetryAfter.Delay(response, rateLimit?.ResetAt, now);

    /// <summary>
    /// The error code of an Auth0 error body: <c>errorCode</c> (management API) or <c>error</c> (token endpoint and
    /// management bodies without errorCode). Only a short plain code is returned; anything else is dropped, since
    /// the body is not ours to show in clear.
    /// </summary>
    public static string? ErrorCode(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body.Length > 64 * 1024)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return SafeCode(root, "errorCode") ?? SafeCode(root, "error");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The token endpoint's <c>error_description</c>, for matching known texts only (never shown as is).</summary>
    public static string? ErrorDescription(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body.Length > 64 * 1024)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error_description", out var description)
                && description.ValueKind == JsonValueKind.String
                    ? description.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? SafeCode(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString();
        if (string.IsNullOrEmpty(text) || text.Length > MaxCodeLength)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':' or ' '))
            {
                return null;
            }
        }

        return text;
    }
}
