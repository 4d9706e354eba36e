using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// The Auth0 Management API v2 connector: client-credentials tokens from <c>POST {domain}/oauth/token</c> and the
/// operations of <see cref="Auth0Operations"/>. Stateless: the integration grain caches tokens and does the single
/// re-acquire-and-retry after a 401. Retries, timeouts and the host policy live in the named clients'
/// pipelines (<see cref="ConnectorHttpClients"/>); this class writes no retry loop.
/// </summary>
public sealed partial class Auth0Connector(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<Auth0Connector> logger) : IUpstreamConnector
{
    /// <summary>Upper bound on a token response (a JWT and a few fields).</summary>
    private const int MaxTokenResponseBytes = 64 * 1024;

    /// <summary>Used when Auth0 leaves <c>expires_in</c> out: short, so a wrong guess costs one early re-request.</summary>
    private static readonly TimeSpan FallbackLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Longest lifetime believed; Auth0 caps M2M tokens at 30 days.</summary>
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>Time allowed to read a body once the headers arrived (the pipeline's timeouts end at the headers).</summary>
    private static readonly TimeSpan BodyReadTimeout = TimeSpan.FromSeconds(30);

    private readonly IHttpClientFactory _httpClientFactory = httpClientFactory ?? throw new ArgumentNullException(nameof(httpClientFactory));
    private readonly TimeProvider _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    private readonly ILogger<Auth0Connector> _logger = logger ?? throw new ArgumentNullException(nameof(logger));

    /// <inheritdoc/>
    public string SystemType => "auth0";

    /// <inheritdoc/>
    public IReadOnlyList<string> CredentialTypes { get; } = ["oauth2_client"];

    /// <inheritdoc/>
    /// <remarks>
    /// Sends <c>{grant_type: client_credentials, client_id, client_secret, audience, scope?}</c> as JSON. The audience
    /// is the credential's, else <c>{base}api/v2/</c>. The scope is the credential's list, else the least set the
    /// allowed operations need; with neither, no scope is sent and Auth0 grants everything the client grant allows
    /// (what a connection check wants to report).
    /// </remarks>
    public async Task<UpstreamToken> AcquireTokenAsync(ConnectorTarget target, UpstreamCredential credential, IReadOnlyCollection<string> allowedOperations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(allowedOperations);
        CheckTarget(target);
        if (credential is not OAuth2ClientSecretCredential client)
        {
            throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "unsupported_credential_type",
                "Auth0 needs an oauth2_client credential (client_id and client_secret).");
        }

        if (string.IsNullOrWhiteSpace(client.ClientId) || string.IsNullOrEmpty(client.ClientSecret))
        {
            throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "invalid_credential",
                "The oauth2_client credential needs a client_id and a client_secret.");
        }

        var audience = string.IsNullOrWhiteSpace(client.Audience) ? DefaultAudience(target) : client.Audience.Trim();
        var scopes = client.Scopes is { Count: > 0 } named
            ? [.. named.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
            : ScopesFor(allowedOperations);
        var authority = target.BaseUri.Authority;
        Log.TokenRequesting(_logger, authority, scopes.Count);

        var body = TokenRequestBody(client, audience, scopes);
        var issuedAfter = _timeProvider.GetUtcNow();
        var started = _timeProvider.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Auth0Uri.Build(target.BaseUri, "/oauth/token", new Dictionary<string, string>(), []));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Content = Auth0RequestBuilder.JsonContent(body);
            var http = _httpClientFactory.CreateClient(ConnectorHttpClients.Token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Transport(ex, cancellationToken) is { } failure)
            {
                Log.TokenTransportFailed(_logger, authority, failure.Code);
                throw new UpstreamCallException(failure.Outcome, 0, failure.Code, "The Auth0 token endpoint " + failure.Message, ex);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                byte[]? content;
                try
                {
                    content = await ReadBodyAsync(response, MaxTokenResponseBytes, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (Transport(ex, cancellationToken) is { } failure)
                {
                    Log.TokenTransportFailed(_logger, authority, failure.Code);
                    throw new UpstreamCallException(failure.Outcome, status, failure.Code, "The Auth0 token endpoint " + failure.Message, ex);
                }

                if (content is null)
                {
                    Log.ResponseTooLarge(_logger, "token", authority, status);
                    throw new UpstreamCallException(UpstreamOutcome.ServerError, status, "response_too_large", "The Auth0 token response exceeded the size limit.");
                }

                if (response.IsSuccessStatusCode)
                {
                    var token = ParseToken(content, issuedAfter);
                    if (token is null)
                    {
                        Log.TokenUnreadable(_logger, authority, status);
                        throw new UpstreamCallException(UpstreamOutcome.ServerError, status, "invalid_token_response", "The Auth0 token endpoint returned no usable access token.");
                    }

                    var lifetimeSeconds = (long)(token.ExpiresAt - issuedAfter).TotalSeconds;
                    var elapsedMs = Elapsed(started);
                    Log.TokenAcquired(_logger, authority, lifetimeSeconds, token.GrantedScopes.Count, elapsedMs);
                    return token;
                }

                var retryAfter = Auth0ResponseReader.RetryAfter(response, Auth0ResponseReader.RateLimit(response.Headers), _timeProvider.GetUtcNow());
                throw TokenError(authority, status, content, scopes, retryAfter);
            }
        }
        finally
        {
            // The body held the client secret; do not leave it for the heap to keep.
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Returns every upstream answer as a value (including 4xx/5xx and transport failures); throws only for a bug
    /// (another system's operation) or when <paramref name="cancellationToken"/> is cancelled.
    /// </remarks>
    public async Task<UpstreamResponse> ExecuteAsync(ConnectorTarget target, UpstreamToken token, OperationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(request);
        CheckTarget(target);
        if (!string.Equals(request.SystemType, SystemType, StringComparison.Ordinal) || !Auth0Operations.ByName.TryGetValue(request.Name, out var definition))
        {
            throw new ArgumentException("Not an Auth0 operation.", nameof(request));
        }

        var operation = definition.Name;
        var authority = target.BaseUri.Authority;
        using var outbound = Auth0RequestBuilder.Build(target.BaseUri, definition, request.Payload);
        outbound.Headers.Authorization = new AuthenticationHeaderValue(token.Scheme, token.AccessToken);
        var started = _timeProvider.GetTimestamp();
        var http = _httpClientFactory.CreateClient(ConnectorHttpClients.Management);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(outbound, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Transport(ex, cancellationToken) is { } failure)
        {
            var elapsedMs = Elapsed(started);
            Log.OperationTransportFailed(_logger, operation, authority, failure.Code, elapsedMs);
            return new UpstreamResponse(failure.Outcome, 0, ReadOnlyMemory<byte>.Empty, failure.Code, "Auth0 " + failure.Message);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var rateLimit = Auth0ResponseReader.RateLimit(response.Headers);
            byte[]? body;
            try
            {
                body = await ReadBodyAsync(response, ConnectorHttpClients.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Transport(ex, cancellationToken) is { } failure)
            {
                var elapsedMs = Elapsed(started);
                Log.OperationTransportFailed(_logger, operation, authority, failure.Code, elapsedMs);
                return new UpstreamResponse(failure.Outcome, status, ReadOnlyMemory<byte>.Empty, failure.Code, "Auth0 " + failure.Message, rateLimit);
            }

            if (body is null)
            {
                Log.ResponseTooLarge(_logger, operation, authority, status);
                return new UpstreamResponse(UpstreamOutcome.ServerError, status, ReadOnlyMemory<byte>.Empty, "response_too_large",
                    "The Auth0 response exceeded the size limit.", rateLimit);
            }

            var elapsed = Elapsed(started);
            if (response.IsSuccessStatusCode)
            {
                Log.OperationSucceeded(_logger, operation, authority, status, elapsed);
                return new UpstreamResponse(UpstreamOutcome.Success, status, body, RateLimit: rateLimit);
            }

            var code = Auth0ResponseReader.ErrorCode(body);
            var retryAfter = Auth0ResponseReader.RetryAfter(response, rateLimit, _timeProvider.GetUtcNow());
            var (outcome, message) = Classify(status, code, definition);
            switch (outcome)
            {
                case UpstreamOutcome.RateLimited:
                    var retryAfterSeconds = (long?)retryAfter?.TotalSeconds;
                    Log.OperationRateLimited(_logger, operation, authority, retryAfterSeconds, elapsed);
                    break;
                case UpstreamOutcome.ServerError:
                    Log.OperationFailed(_logger, operation, authority, status, code, elapsed);
                    break;
                default:
                    Log.OperationRejected(_logger, operation, authority, status, code, elapsed);
                    break;
            }

            return new UpstreamResponse(outcome, status, body, code, message, rateLimit, retryAfter);
        }
    }

    /// <summary>The scopes the given operations need (unknown names are ignored: they can never run).</summary>
    internal static IReadOnlyList<string> ScopesFor(IEnumerable<string> operations) =>
        [.. operations
            .Select(o => Auth0Operations.ByName.GetValueOrDefault(o))
            .Where(o => o is not null)
            .SelectMany(o => o!.Scopes)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static string DefaultAudience(ConnectorTarget target) => new Uri(target.BaseUri, "api/v2/").AbsoluteUri;

    private static void CheckTarget(ConnectorTarget target)
    {
        if (!string.Equals(target.SystemType, "auth0", StringComparison.Ordinal))
        {
            throw new ArgumentException("The target is not an Auth0 target.", nameof(target));
        }
    }

    private static byte[] TokenRequestBody(OAuth2ClientSecretCredential client, string audience, IReadOnlyList<string> scopes)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("grant_type", "client_credentials");
            writer.WriteString("client_id", client.ClientId);
            writer.WriteString("client_secret", client.ClientSecret);
            writer.WriteString("audience", audience);
            if (scopes.Count > 0)
            {
                writer.WriteString("scope", string.Join(' ', scopes));
            }

            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        buffer.Clear();
        return bytes;
    }

    private static UpstreamToken? ParseToken(byte[] content, DateTimeOffset issuedAfter)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("access_token", out var accessToken)
                || accessToken.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(accessToken.GetString()))
            {
                return null;
            }

            // RFC 6749 §5.1: token_type is case-insensitive; only bearer tokens are usable here.
            if (root.TryGetProperty("token_type", out var tokenType)
                && !(tokenType.ValueKind == JsonValueKind.String && string.Equals(tokenType.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            var lifetime = root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.ValueKind == JsonValueKind.Number
                && expiresIn.TryGetDouble(out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(Math.Min(seconds, MaxLifetime.TotalSeconds))
                    : FallbackLifetime;
            IReadOnlyList<string> granted = root.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String
                ? scope.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                : [];
            return new UpstreamToken(accessToken.GetString()!, "Bearer", issuedAfter + lifetime, granted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private UpstreamCallException TokenError(string authority, int status, byte[] content, IReadOnlyList<string> scopes, TimeSpan? retryAfter)
    {
        var code = Auth0ResponseReader.ErrorCode(content);
        var description = Auth0ResponseReader.ErrorDescription(content) ?? string.Empty;
        if (status is 401 or 403)
        {
            // Auth0's error_description can echo the request (audience, scope names): match it, never pass it on.
            var message = code switch
            {
                "unauthorized_client" =>
                    "The Auth0 application may not use the client-credentials grant (enable it in the application's grant types).",
                _ when description.StartsWith("Client has not been granted scopes", StringComparison.Ordinal) =>
                    $"The Auth0 application has not been granted the scopes these operations need ({string.Join(", ", scopes)}); grant them for the Management API.",
                _ when description.StartsWith("Service not enabled within domain", StringComparison.Ordinal)
                    || description.StartsWith("Service not found", StringComparison.Ordinal) =>
                    "Auth0 does not know the requested audience (check the credential's audience: https://{domain}/api/v2/).",
                _ when description.StartsWith("Client is not authorized to access", StringComparison.Ordinal)
                    || description.StartsWith("Non-global clients", StringComparison.Ordinal) =>
                    "The Auth0 application is not authorized for the Management API (create a client grant for it).",
                _ => "Auth0 rejected the client credentials (check the client id and secret).",
            };
            Log.TokenRejected(_logger, authority, status, code);
            return new UpstreamCallException(UpstreamOutcome.CredentialRejected, status, code, message);
        }

        Log.TokenFailed(_logger, authority, status, code);
        return status switch
        {
            // The wait goes to the caller as Retry-After, the same as for a rate-limited management call.
            429 => new UpstreamCallException(UpstreamOutcome.RateLimited, status, code, "The Auth0 token endpoint is rate limiting; try again later.")
            {
                RetryAfter = retryAfter,
            },
            >= 500 => new UpstreamCallException(UpstreamOutcome.ServerError, status, code, $"The Auth0 token endpoint failed ({status})."),
            404 => new UpstreamCallException(UpstreamOutcome.NotFound, status, code, "The Auth0 token endpoint was not found (check the domain)."),
            _ => new UpstreamCallException(UpstreamOutcome.ClientError, status, code, $"The Auth0 token endpoint refused the request ({status})."),
        };
    }

    private static (UpstreamOutcome Outcome, string Message) Classify(int status, string? code, Auth0Operation operation) => status switch
    {
        401 => (UpstreamOutcome.Unauthorized, "Auth0 rejected the access token."),
        403 when string.Equals(code, "insufficient_scope", StringComparison.Ordinal) =>
            (UpstreamOutcome.Forbidden, $"Auth0 refused the operation: the token lacks the scope it needs ({string.Join(", ", operation.Scopes)})."),
        403 => (UpstreamOutcome.Forbidden, "Auth0 refused the operation."),
        404 => (UpstreamOutcome.NotFound, "Auth0 found no such resource."),
        409 => (UpstreamOutcome.ClientError, "Auth0 reports a conflict (the resource may already exist)."),
        429 => (UpstreamOutcome.RateLimited, "Auth0 rate limit reached; retry after the time given."),
        >= 500 => (UpstreamOutcome.ServerError, $"Auth0 failed ({status})."),
        _ => (UpstreamOutcome.ClientError, $"Auth0 rejected the request ({status})."),
    };

    private async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(BodyReadTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        return await Auth0ResponseReader.ReadBodyAsync(response, maxBytes, linked.Token).ConfigureAwait(false);
    }

    private static TransportFailure? Transport(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: let its cancellation propagate.
            return null;
        }

        return exception switch
        {
            TimeoutRejectedException or OperationCanceledException or TimeoutException =>
                new TransportFailure(UpstreamOutcome.Timeout, "timeout", "did not answer in time."),
            BrokenCircuitException =>
                new TransportFailure(UpstreamOutcome.Unreachable, "circuit_open", "is failing; calls are paused for a moment."),
            HttpRequestException { InnerException: UpstreamBlockedException } =>
                new TransportFailure(UpstreamOutcome.Unreachable, "blocked_by_policy", "host is refused by the outbound host policy."),
            HttpRequestException or IOException =>
                new TransportFailure(UpstreamOutcome.Unreachable, "unreachable", "could not be reached."),
            _ => null,
        };
    }

    private long Elapsed(long started) => (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;

    private sealed record TransportFailure(UpstreamOutcome Outcome, string Code, string Message);
}
