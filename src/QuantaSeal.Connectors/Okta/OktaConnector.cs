using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Okta;

/// <summary>
/// The Okta Management API v1 connector. Tokens: an API token is used as <c>Authorization: SSWS</c> (no call); a
/// service app gets a client-credentials token from the org authorization server (<c>{base}/oauth2/v1/token</c>) with a
/// <c>private_key_jwt</c> client assertion, and with DPoP (RFC 9449) when the app requires it. Operations: the
/// <see cref="OktaCatalog"/> entries, cursor paging through <c>Link: rel="next"</c>.
/// </summary>
/// <remarks>
/// Stateless towards callers and thread-safe. It remembers only protocol hints that are not secret: which
/// (authority, client id) pairs require DPoP and the latest <c>DPoP-Nonce</c> per authority, so that steady-state calls
/// need no extra round trip. The only hand-written retries are the DPoP ones (RFC 9449 §8 and §9: one retry with the
/// server's nonce); transient failures are the HTTP clients' resilience pipelines' business.
/// </remarks>
public sealed partial class OktaConnector(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<OktaConnector> logger) : IUpstreamConnector
{
    private const int MaxHintEntries = 1024;
    private const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly ConcurrentDictionary<string, string> _nonces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _dpopRequired = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public string SystemType => OktaCatalog.SystemType;

    /// <inheritdoc/>
    public IReadOnlyList<string> CredentialTypes { get; } = ["api_key", "private_key_jwt", "oauth2_client"];

    /// <inheritdoc/>
    public async Task<UpstreamToken> AcquireTokenAsync(ConnectorTarget target, UpstreamCredential credential, IReadOnlyCollection<string> allowedOperations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(allowedOperations);
        EnsureOkta(target);
        var host = target.BaseUri.Authority;
        switch (credential)
        {
            case ApiTokenCredential api:
                if (string.IsNullOrWhiteSpace(api.ApiToken) || api.ApiToken.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~'))
                {
                    throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "invalid_api_token", "The Okta API token is empty or malformed.");
                }

                Log.ApiTokenUsed(logger, host);
                return new UpstreamToken(api.ApiToken, "SSWS", DateTimeOffset.MaxValue, []);

            case PrivateKeyJwtCredential privateKeyJwt:
                return await AcquireWithPrivateKeyAsync(target, privateKeyJwt, Scopes(privateKeyJwt.Scopes, allowedOperations), cancellationToken).ConfigureAwait(false);

            case OAuth2ClientSecretCredential clientSecret:
                return await AcquireWithClientSecretAsync(target, clientSecret, Scopes(clientSecret.Scopes, allowedOperations), cancellationToken).ConfigureAwait(false);

            default:
                throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "unsupported_credential_type", "Okta integrations take api_key, private_key_jwt or oauth2_client credentials.");
        }
    }

    /// <inheritdoc/>
    public async Task<UpstreamResponse> ExecuteAsync(ConnectorTarget target, UpstreamToken token, OperationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(request);
        EnsureOkta(target);
        if (!string.Equals(request.SystemType, SystemType, StringComparison.Ordinal) || !OktaCatalog.TryGet(request.Name, out var descriptor))
        {
            throw new ArgumentException("Unknown Okta operation.", nameof(request));
        }

        var operation = descriptor.Name;
        var scheme = token.Scheme switch
        {
            _ when string.Equals(token.Scheme, "SSWS", StringComparison.OrdinalIgnoreCase) => "SSWS",
            _ when string.Equals(token.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) => "Bearer",
            _ when string.Equals(token.Scheme, "DPoP", StringComparison.OrdinalIgnoreCase) => "DPoP",
            _ => throw new ArgumentException("Okta tokens use the SSWS, Bearer or DPoP scheme.", nameof(token)),
        };
        var call = OktaRequests.Build(target.BaseUri, descriptor, request.Payload);
        var host = target.BaseUri.Authority;
        var started = timeProvider.GetTimestamp();

        using var dpopKey = scheme == "DPoP" ? LoadDpopKey(token) : null;
        OktaHttpResult result;
        try
        {
            result = await ExchangeAsync(call, scheme, token.AccessToken, dpopKey, operation, host, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamCallException ex)
        {
            // No usable response (timeout, unreachable, oversized): an outcome like any other, status 0 when none came.
            return new UpstreamResponse(ex.Outcome, ex.StatusCode, ReadOnlyMemory<byte>.Empty, ex.ErrorCode, ex.Message);
        }

        var response = OktaResponses.ToUpstreamResponse(result);
        var elapsed = (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (response.Outcome == UpstreamOutcome.Success)
        {
            Log.OperationCompleted(logger, operation, host, response.StatusCode, elapsed);
        }
        else
        {
            Log.OperationFailed(logger, operation, host, response.StatusCode, response.Outcome, response.ErrorCode, elapsed);
        }

        return response;
    }

    private async Task<OktaHttpResult> ExchangeAsync(OktaApiCall call, string scheme, string accessToken, OktaSigningKey? dpopKey, string operation, string host, CancellationToken cancellationToken)
    {
        var nonceKey = "rs:" + host;
        var result = await SendApiAsync(call, scheme, accessToken, dpopKey, dpopKey is null ? null : CachedNonce(nonceKey), operation, host, cancellationToken).ConfigureAwait(false);
        if (dpopKey is not null)
        {
            Remember(nonceKey, result.DpopNonce);

            // RFC 9449 §9: a resource server that wants a nonce answers 401 use_dpop_nonce with DPoP-Nonce; retry once.
            if (result.StatusCode == 401 && result.DpopNonce is { } nonce && IsNonceChallenge(result))
            {
                Log.DpopNonceRetry(logger, host, operation);
                result = await SendApiAsync(call, scheme, accessToken, dpopKey, nonce, operation, host, cancellationToken).ConfigureAwait(false);
                Remember(nonceKey, result.DpopNonce);
            }
        }

        return result;
    }

    private static void EnsureOkta(ConnectorTarget target)
    {
        if (!string.Equals(target.SystemType, OktaCatalog.SystemType, StringComparison.Ordinal))
        {
            throw new ArgumentException("The target is not an Okta integration.", nameof(target));
        }
    }

    /// <summary>The credential's scopes when it names any (each an RFC 6749 §3.3 scope-token), else the least set for the allowed operations.</summary>
    private static IReadOnlyList<string> Scopes(IReadOnlyList<string>? named, IReadOnlyCollection<string> allowedOperations)
    {
        if (named is { Count: > 0 })
        {
            if (named.Any(s => string.IsNullOrEmpty(s) || s.Length > 128 || s.Any(c => c is < '!' or > '~' or '"' or '\\')))
            {
                throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "invalid_scope", "A scope named by the credential is not a valid OAuth scope token.");
            }

            return [.. named.Distinct(StringComparer.Ordinal)];
        }

        var least = OktaCatalog.LeastScopes(allowedOperations);
        return least.Count > 0
            ? least
            : throw new UpstreamCallException(UpstreamOutcome.ClientError, 0, "no_scopes", "No Okta scopes to request: allow at least one Okta operation or name scopes in the credential.");
    }

    private static bool IsNonceChallenge(OktaHttpResult result)
        => result.WwwAuthenticate?.Contains("use_dpop_nonce", StringComparison.Ordinal) == true
            || OktaResponses.OAuthError(result.Body) == "use_dpop_nonce";

    private static OktaSigningKey LoadDpopKey(UpstreamToken token)
    {
        if (token.DpopKey is null)
        {
            throw new ArgumentException("A DPoP token needs its proof key.", nameof(token));
        }

        try
        {
            return OktaSigningKey.Load(token.DpopKey, null);
        }
        catch (FormatException)
        {
            throw new ArgumentException("The DPoP proof key of the token cannot be read.", nameof(token));
        }
    }

    private async Task<UpstreamToken> AcquireWithPrivateKeyAsync(ConnectorTarget target, PrivateKeyJwtCredential credential, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var host = target.BaseUri.Authority;
        if (string.IsNullOrWhiteSpace(credential.ClientId))
        {
            throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "invalid_client", "The private_key_jwt credential has no client_id.");
        }

        OktaSigningKey key;
        try
        {
            key = OktaSigningKey.Load(credential.PrivateKey, credential.KeyId);
        }
        catch (FormatException ex)
        {
            // The messages of OktaSigningKey are fixed texts that never contain key material.
            Log.PrivateKeyUnreadable(logger);
            throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "invalid_private_key", "The private_key_jwt credential's private key cannot be used: " + ex.Message);
        }

        using (key)
        {
            var tokenEndpoint = OktaRequests.TokenEndpoint(target.BaseUri);
            var requiredKey = host + "\n" + credential.ClientId;
            var nonceKey = "as:" + host;
            var dpopKey = _dpopRequired.ContainsKey(requiredKey) ? OktaSigningKey.CreateEphemeralEc() : null;
            try
            {
                Func<IEnumerable<KeyValuePair<string, string>>> form = () =>
                [
                    new("grant_type", "client_credentials"),
                    new("scope", string.Join(' ', scopes)),
                    new("client_assertion_type", JwtBearerAssertionType),
                    new("client_assertion", OktaJwt.CreateClientAssertion(key, credential.ClientId, tokenEndpoint, timeProvider.GetUtcNow())),
                ];

                var result = await PostTokenAsync(tokenEndpoint, form(), null, dpopKey, dpopKey is null ? null : CachedNonce(nonceKey), host, cancellationToken).ConfigureAwait(false);
                if (dpopKey is null && result.StatusCode == 400 && OktaResponses.OAuthError(result.Body) == "invalid_dpop_proof")
                {
                    // The app has "Require DPoP header in token requests" on (the default for new service apps).
                    Log.DpopRequired(logger, host);
                    RememberDpopRequired(requiredKey);
                    dpopKey = OktaSigningKey.CreateEphemeralEc();
                    result = await PostTokenAsync(tokenEndpoint, form(), null, dpopKey, CachedNonce(nonceKey), host, cancellationToken).ConfigureAwait(false);
                }

                if (dpopKey is not null)
                {
                    Remember(nonceKey, result.DpopNonce);

                    // RFC 9449 §8: the authorization server answers 400 use_dpop_nonce with DPoP-Nonce; retry once.
                    if (result.StatusCode == 400 && result.DpopNonce is { } nonce && OktaResponses.OAuthError(result.Body) == "use_dpop_nonce")
                    {
                        Log.DpopNonceRetry(logger, host, "token");
                        result = await PostTokenAsync(tokenEndpoint, form(), null, dpopKey, nonce, host, cancellationToken).ConfigureAwait(false);
                        Remember(nonceKey, result.DpopNonce);
                    }
                }

                return ReadToken(result, scopes, dpopKey, host);
            }
            finally
            {
                dpopKey?.Dispose();
            }
        }
    }

    private async Task<UpstreamToken> AcquireWithClientSecretAsync(ConnectorTarget target, OAuth2ClientSecretCredential credential, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var host = target.BaseUri.Authority;
        if (scopes.Any(s => s.StartsWith("okta.", StringComparison.Ordinal)))
        {
            // The org authorization server issues okta.* scopes to service apps only against a private_key_jwt
            // assertion; a client secret is refused there, so it is not sent at all.
            Log.ClientSecretRefusedLocally(logger, host);
            throw new UpstreamCallException(
                UpstreamOutcome.CredentialRejected,
                0,
                "invalid_client",
                "Okta accepts only private_key_jwt client authentication for okta.* scopes on service apps; seal a private_key_jwt credential instead of a client secret.");
        }

        if (string.IsNullOrEmpty(credential.ClientId) || string.IsNullOrEmpty(credential.ClientSecret))
        {
            throw new UpstreamCallException(UpstreamOutcome.CredentialRejected, 0, "invalid_client", "The oauth2_client credential needs client_id and client_secret.");
        }

        // client_secret_basic (RFC 6749 §2.3.1): both parts form-urlencoded before base64.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(FormEncode(credential.ClientId) + ":" + FormEncode(credential.ClientSecret)));
        var tokenEndpoint = OktaRequests.TokenEndpoint(target.BaseUri);
        var result = await PostTokenAsync(
            tokenEndpoint,
            [new("grant_type", "client_credentials"), new("scope", string.Join(' ', scopes))],
            new AuthenticationHeaderValue("Basic", basic),
            null,
            null,
            host,
            cancellationToken).ConfigureAwait(false);
        return ReadToken(result, scopes, null, host);
    }

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private UpstreamToken ReadToken(OktaHttpResult result, IReadOnlyList<string> requested, OktaSigningKey? dpopKey, string host)
    {
        if (result.StatusCode != 200)
        {
            throw TokenFailure(result, host);
        }

        string? accessToken = null, tokenType = null, scope = null;
        long expiresIn = 3600;
        try
        {
            using var document = JsonDocument.Parse(result.Body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                accessToken = root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                tokenType = root.TryGetProperty("token_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                scope = root.TryGetProperty("scope", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0)
                {
                    expiresIn = Math.Min(seconds, (long)TimeSpan.FromDays(1).TotalSeconds);
                }
            }
        }
        catch (JsonException)
        {
            accessToken = null;
        }

        if (string.IsNullOrEmpty(accessToken) || accessToken.Any(c => c is <= ' ' or > '~'))
        {
            Log.TokenEndpointFailed(logger, host, result.StatusCode, UpstreamOutcome.ServerError);
            throw new UpstreamCallException(UpstreamOutcome.ServerError, result.StatusCode, null, "The Okta token response has no usable access_token.");
        }

        string scheme;
        string? proofKey = null;
        if (string.Equals(tokenType, "DPoP", StringComparison.OrdinalIgnoreCase))
        {
            if (dpopKey is null)
            {
                Log.TokenEndpointFailed(logger, host, result.StatusCode, UpstreamOutcome.ServerError);
                throw new UpstreamCallException(UpstreamOutcome.ServerError, result.StatusCode, null, "Okta issued a DPoP-bound token without a DPoP proof.");
            }

            scheme = "DPoP";
            proofKey = dpopKey.ExportPrivateEcJwk();
        }
        else if (tokenType is null || string.Equals(tokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            scheme = "Bearer";
        }
        else
        {
            Log.TokenEndpointFailed(logger, host, result.StatusCode, UpstreamOutcome.ServerError);
            throw new UpstreamCallException(UpstreamOutcome.ServerError, result.StatusCode, null, "The Okta token response has an unsupported token_type.");
        }

        IReadOnlyList<string> granted = scope is null ? requested : [.. scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        Log.TokenAcquired(logger, host, scheme, granted.Count, expiresIn);
        return new UpstreamToken(accessToken, scheme, timeProvider.GetUtcNow().AddSeconds(expiresIn), granted, proofKey);
    }

    private UpstreamCallException TokenFailure(OktaHttpResult result, string host)
    {
        var error = OktaResponses.OAuthError(result.Body);
        var status = result.StatusCode;
        if (status == 429 || status >= 500)
        {
            var outcome = status == 429 ? UpstreamOutcome.RateLimited : UpstreamOutcome.ServerError;
            Log.TokenEndpointFailed(logger, host, status, outcome);
            return new UpstreamCallException(
                outcome,
                status,
                error ?? OktaResponses.OktaErrorCode(result.Body),
                status == 429 ? "The Okta token endpoint is rate limited; retry later." : "The Okta token endpoint failed.")
            {
                // The wait goes to the caller as Retry-After, the same as for a rate-limited management call.
                RetryAfter = status == 429 ? result.RetryAfter : null,
            };
        }

        Log.TokenRefused(logger, host, status, error);
        var message = error switch
        {
            "invalid_client" when OktaResponses.OAuthErrorDescription(result.Body)?.Contains("private_key_jwt", StringComparison.Ordinal) == true
                => "Okta requires private_key_jwt client authentication for this request; seal a private_key_jwt credential.",
            "invalid_client" => "Okta refused the client authentication (unknown client, wrong key or secret, or a rejected assertion).",
            "invalid_scope" => "Okta refused the requested scopes: grant them to the service app or allow fewer operations.",
            "unauthorized_client" => "The Okta app is not allowed to use the client credentials grant.",
            "access_denied" => "Okta denied the token request.",
            "invalid_grant" => "Okta refused the grant.",
            "invalid_dpop_proof" => "Okta rejected the DPoP proof.",
            "use_dpop_nonce" => "Okta kept asking for a new DPoP nonce.",
            _ => "Okta refused the token request.",
        };
        var rejected = error is "invalid_client" or "invalid_scope" or "unauthorized_client" or "access_denied" or "invalid_grant" || status == 401;
        return new UpstreamCallException(rejected ? UpstreamOutcome.CredentialRejected : UpstreamOutcome.ClientError, status, error, error is null ? message : $"{message} ({error})");
    }

    private async Task<OktaHttpResult> PostTokenAsync(
        Uri tokenEndpoint,
        IEnumerable<KeyValuePair<string, string>> form,
        AuthenticationHeaderValue? authorization,
        OktaSigningKey? dpopKey,
        string? nonce,
        string host,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        request.Headers.Accept.Add(Json);
        request.Headers.Authorization = authorization;
        if (dpopKey is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", OktaJwt.CreateDpopProof(dpopKey, "POST", tokenEndpoint, timeProvider.GetUtcNow(), nonce, null));
        }

        request.Content = new FormUrlEncodedContent(form);
        if (dpopKey is not null || form.Any(f => f.Key == "client_assertion"))
        {
            // A client assertion or DPoP proof is single-use (jti): never replay it, sign a new one instead.
            request.Options.Set(ConnectorHttpClients.SingleUse, true);
        }

        return await SendAsync(ConnectorHttpClients.Token, request, "token", host, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OktaHttpResult> SendApiAsync(OktaApiCall call, string scheme, string accessToken, OktaSigningKey? dpopKey, string? nonce, string operation, string host, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, call.Uri);
        request.Headers.Accept.Add(Json);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + accessToken);
        if (dpopKey is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", OktaJwt.CreateDpopProof(dpopKey, call.Method.Method, call.Uri, timeProvider.GetUtcNow(), nonce, accessToken));
            request.Options.Set(ConnectorHttpClients.SingleUse, true);
        }

        if (call.JsonBody is not null)
        {
            request.Content = new ByteArrayContent(call.JsonBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        return await SendAsync(ConnectorHttpClients.Management, request, operation, host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends and reads one request; sorts every failure without a usable response into an outcome (YARP-style).</summary>
    private async Task<OktaHttpResult> SendAsync(string clientName, HttpRequestMessage request, string call, string host, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(clientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return await OktaResponses.ReadAsync(response, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OktaResponseTooLargeException ex)
        {
            Log.ResponseTooLarge(logger, call, host, ConnectorHttpClients.MaxResponseBytes);
            throw new UpstreamCallException(UpstreamOutcome.ServerError, ex.StatusCode, "response_too_large", "The Okta response exceeded the size limit.");
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException or TimeoutException)
        {
            Log.TransportFailed(logger, call, host, UpstreamOutcome.Timeout);
            throw new UpstreamCallException(UpstreamOutcome.Timeout, 0, "timeout", "Okta did not answer in time.");
        }
        catch (BrokenCircuitException)
        {
            Log.TransportFailed(logger, call, host, UpstreamOutcome.Unreachable);
            throw new UpstreamCallException(UpstreamOutcome.Unreachable, 0, "circuit_open", "Okta is failing; calls are paused briefly (circuit open).");
        }
        catch (HttpRequestException ex)
        {
            Log.TransportFailed(logger, call, host, UpstreamOutcome.Unreachable);
            var blocked = ex.InnerException is UpstreamBlockedException || ex.InnerException?.InnerException is UpstreamBlockedException;
            throw blocked
                ? new UpstreamCallException(UpstreamOutcome.Unreachable, 0, "blocked_by_policy", "The Okta host is refused by the outbound host policy.")
                : new UpstreamCallException(UpstreamOutcome.Unreachable, 0, "unreachable", "Okta could not be reached.");
        }
    }

    private string? CachedNonce(string key) => _nonces.TryGetValue(key, out var nonce) ? nonce : null;

    private void Remember(string key, string? nonce)
    {
        if (nonce is null || nonce.Length > 512)
        {
            return;
        }

        if (_nonces.Count >= MaxHintEntries)
        {
            _nonces.Clear();
        }

        _nonces[key] = nonce;
    }

    private void RememberDpopRequired(string key)
    {
        if (_dpopRequired.Count >= MaxHintEntries)
        {
            _dpopRequired.Clear();
        }

        _dpopRequired[key] = true;
    }
}
