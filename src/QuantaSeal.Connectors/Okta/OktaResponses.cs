using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Okta;

/// <summary>What the connector keeps of one upstream response: status, the capped body and the headers it reads.</summary>
internal sealed record OktaHttpResult(
    int StatusCode,
    byte[] Body,
    string? DpopNonce,
    IReadOnlyList<string> Links,
    RateLimitInfo? RateLimit,
    TimeSpan? RetryAfter,
    string? WwwAuthenticate);

/// <summary>The upstream body exceeded <see cref="ConnectorHttpClients.MaxResponseBytes"/>.</summary>
internal sealed class OktaResponseTooLargeException(int statusCode) : Exception("The upstream response exceeded the size limit.")
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Reads Okta responses leniently: bodies pass through untouched; <c>Link</c>, <c>X-Rate-Limit-*</c>,
/// <c>Retry-After</c>, <c>DPoP-Nonce</c> and Okta error objects (<c>errorCode</c>, <c>errorSummary</c>, ...) or OAuth
/// errors (<c>error</c>, <c>error_description</c>) are interpreted. Nothing read here is ever logged except codes.
/// </summary>
internal static class OktaResponses
{
    /// <summary>Reads the response with the size cap (checked on Content-Length and while streaming).</summary>
    public static async Task<OktaHttpResult> ReadAsync(HttpResponseMessage response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var max = ConnectorHttpClients.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > max)
        {
            throw new OktaResponseTooLargeException(status);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > max)
                {
                    throw new OktaResponseTooLargeException(status);
                }
            }
        }

        var headers = response.Headers;
        var rateLimit = RateLimit(headers);
        return new OktaHttpResult(
            status,
            buffer.WrittenSpan.ToArray(),
            First(headers, "DPoP-Nonce"),
            headers.TryGetValues("Link", out var links) ? [.. links] : [],
            rateLimit,
            UpstreamRetryAfter.Delay(response, rateLimit?.ResetAt, timeProvider.GetUtcNow()),
            headers.WwwAuthenticate.Count > 0 ? headers.WwwAuthenticate.ToString() : null);
    }

    /// <summary>
    /// The <c>after</c> cursor of the <c>rel="next"</c> link (RFC 8288), or null on the last page. Only the cursor is
    /// returned: the connector never follows a URL the upstream handed it.
    /// </summary>
    public static string? NextCursor(IEnumerable<string> linkHeaders)
    {
        foreach (var header in linkHeaders)
        {
            foreach (var link in SplitLinks(header))
            {
                var open = link.IndexOf('<', StringComparison.Ordinal);
                var close = link.IndexOf('>', StringComparison.Ordinal);
                if (open < 0 || close <= open)
                {
                    continue;
                }

                var parameters = link[(close + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var isNext = parameters.Any(p =>
                {
                    var eq = p.IndexOf('=', StringComparison.Ordinal);
                    return eq > 0
                        && p[..eq].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)
                        && p[(eq + 1)..].Trim().Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("next", StringComparer.OrdinalIgnoreCase);
                });
                if (!isNext || !Uri.TryCreate(link[(open + 1)..close].Trim(), UriKind.Absolute, out var next))
                {
                    continue;
                }

                foreach (var pair in next.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0 && pair[..eq] == "after")
                    {
                        var cursor = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                        return cursor.Length is > 0 and <= 1024 ? cursor : null;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>An Okta error object's <c>errorCode</c> (shape <c>E</c> + digits only, so nothing else can leak through it).</summary>
    public static string? OktaErrorCode(byte[] body)
    {
        var code = ReadString(body, "errorCode");
        return code is { Length: >= 2 and <= 16 } && code[0] == 'E' && code.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0 ? code : null;
    }

    /// <summary>An OAuth error's <c>error</c> (RFC 6749 §5.2: ASCII letters, digits and <c>_</c> only, else null).</summary>
    public static string? OAuthError(byte[] body)
    {
        var error = ReadString(body, "error");
        return error is { Length: > 0 and <= 64 } && error.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? error : null;
    }

    /// <summary>An OAuth error's <c>error_description</c>; used only to pick a hint, never shown or logged.</summary>
    public static string? OAuthErrorDescription(byte[] body) => ReadString(body, "error_description");

    /// <summary>The outcome for a non-success management API status.</summary>
    public static UpstreamOutcome OutcomeOf(int status) => status switch
    {
        >= 200 and < 300 => UpstreamOutcome.Success,
        401 => UpstreamOutcome.Unauthorized,
        403 => UpstreamOutcome.Forbidden,
        404 => UpstreamOutcome.NotFound,
        429 => UpstreamOutcome.RateLimited,
        >= 500 => UpstreamOutcome.ServerError,
        >= 300 and < 400 => UpstreamOutcome.ServerError,
        _ => UpstreamOutcome.ClientError,
    };

    /// <summary>Maps a management API response; error text is generic plus the Okta code (errorSummary may echo input).</summary>
    public static UpstreamResponse ToUpstreamResponse(OktaHttpResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = OutcomeOf(result.StatusCode);
        if (outcome == UpstreamOutcome.Success)
        {
            return new UpstreamResponse(outcome, result.StatusCode, result.Body, RateLimit: result.RateLimit, NextCursor: NextCursor(result.Links));
        }

        var code = OktaErrorCode(result.Body);
        var insufficientScope = result.WwwAuthenticate?.Contains("insufficient_scope", StringComparison.OrdinalIgnoreCase) == true;
        var message = outcome switch
        {
            UpstreamOutcome.Unauthorized => "Okta rejected the credentials: the token is invalid, expired or revoked.",
            UpstreamOutcome.Forbidden when insufficientScope => "The Okta token lacks the scope this operation needs; grant it to the service app.",
            UpstreamOutcome.Forbidden => "Okta denied the operation: the token or its admin role lacks permission.",
            UpstreamOutcome.NotFound => "The Okta resource was not found.",
            UpstreamOutcome.RateLimited => "Okta rate limit exceeded; retry after the indicated time.",
            UpstreamOutcome.ServerError when result.StatusCode is >= 300 and < 400 => "Okta answered with an unexpected redirect, which is not followed.",
            UpstreamOutcome.ServerError => "Okta failed to process the request.",
            _ when code == "E0000001" => "Okta rejected the request: API validation failed.",
            _ => "Okta rejected the request.",
        };
        if (code is not null)
        {
            message = $"{message} (Okta {code})";
        }

        return new UpstreamResponse(
            outcome,
            result.StatusCode,
            result.Body,
            code,
            message,
            result.RateLimit,
            outcome == UpstreamOutcome.RateLimited || result.StatusCode == 503 ? result.RetryAfter : null);
    }

    private static IEnumerable<string> SplitLinks(string header)
    {
        // Links are comma-separated; a comma inside <...> belongs to the URL.
        var start = 0;
        var inUri = false;
        for (var i = 0; i < header.Length; i++)
        {
            switch (header[i])
            {
                case '<':
                    inUri = true;
                    break;
                case '>':
                    inUri = false;
                    break;
                case ',' when !inUri:
                    yield return header[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return header[start..];
    }

    private static RateLimitInfo? RateLimit(HttpResponseHeaders headers)
    {
        var limit = UpstreamRetryAfter.Number(headers, "X-Rate-Limit-Limit");
        var remaining = UpstreamRetryAfter.Number(headers, "X-Rate-Limit-Remaining");
        var reset = UpstreamRetryAfter.Number(headers, UpstreamRetryAfter.OktaResetHeader);
        if (limit is null && remaining is null && reset is null)
        {
            return null;
        }

        return new RateLimitInfo(limit, remaining, UpstreamRetryAfter.FromUnixSeconds(reset));
    }

    private static string? First(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? ReadString(byte[] body, string name)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
