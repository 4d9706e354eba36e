using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaSeal.Emulators.Okta;

/// <summary>A service app registered with the emulator's org authorization server.</summary>
internal sealed class OktaServiceApp(string clientId)
{
    public string ClientId { get; } = clientId;

    /// <summary>Registered public keys (JWKS); replaced on rotation.</summary>
    public volatile IReadOnlyList<JsonWebKey> Keys = [];

    /// <summary>A client-secret app (token_endpoint_auth_method client_secret_basic/post) when set.</summary>
    public string? ClientSecret { get; init; }

    public volatile bool RequireDpop;

    public volatile IReadOnlyList<string> Scopes = [];
}

/// <summary>The identity the management API sees for a request.</summary>
internal sealed record OktaCaller(string Scheme, IReadOnlyList<string> Scopes, bool AllScopes);

/// <summary>
/// The org authorization server (<c>/oauth2/v1/token</c>: client credentials with <c>private_key_jwt</c>, DPoP with
/// nonces) and the management API's token checks (SSWS, Bearer, DPoP with <c>ath</c>/<c>cnf.jkt</c>, scopes). Signatures
/// are checked with Microsoft.IdentityModel, which also signs in the connector (tests/interop/jws-verify.mjs is the
/// independent check of that signing); claims are checked
/// here one rule at a time with Okta-like error descriptions.
/// </summary>
internal sealed class OktaAuthServer(OktaEmulator emulator, TimeProvider timeProvider)
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);
    private static readonly string[] DpopAlgorithms = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256"];

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    // ES256 for the emulator's own access tokens: cheap to generate per start (the service app keeps RSA, as Okta's guide does).
    private readonly ECDsaSecurityKey _issuerKey = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "emulator-as-key" };
    private readonly ConcurrentDictionary<string, DateTimeOffset> _usedJtis = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, OktaServiceApp> Apps { get; } = new(StringComparer.Ordinal);

    public volatile string AuthorizationServerNonce = NewNonce();

    public volatile string ResourceServerNonce = NewNonce();

    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>POST /oauth2/v1/token.</summary>
    public async Task HandleTokenAsync(HttpContext context)
    {
        var tokenEndpoint = new Uri(emulator.BaseUri, "/oauth2/v1/token");
        if (!context.Request.HasFormContentType)
        {
            await OktaErrors.OAuthAsync(context, 400, "invalid_request", "The request must be application/x-www-form-urlencoded.").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var grantType = form["grant_type"].ToString();
        var scope = form["scope"].ToString();

        // 1. Client authentication (private_key_jwt or, for the secret app, client_secret_basic/post).
        var (app, authError) = await AuthenticateClientAsync(context, form, tokenEndpoint).ConfigureAwait(false);
        if (app is null)
        {
            await OktaErrors.OAuthAsync(context, 401, "invalid_client", authError!).ConfigureAwait(false);
            return;
        }

        if (app.ClientSecret is not null)
        {
            // Okta: client credentials on the org authorization server require private_key_jwt.
            await OktaErrors.OAuthAsync(context, 401, "invalid_client", "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.").ConfigureAwait(false);
            return;
        }

        // 2. Grant type and scopes.
        if (grantType != "client_credentials")
        {
            await OktaErrors.OAuthAsync(context, 400, "unsupported_grant_type", "The grant type is not supported by the authorization server. Configured grant types: [client_credentials].").ConfigureAwait(false);
            return;
        }

        var requested = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        if (requested.Length == 0)
        {
            await OktaErrors.OAuthAsync(context, 400, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.").ConfigureAwait(false);
            return;
        }

        var notAllowed = requested.Where(s => !app.Scopes.Contains(s, StringComparer.Ordinal)).ToArray();
        if (notAllowed.Length > 0)
        {
            await OktaErrors.OAuthAsync(context, 400, "invalid_scope", "The following scopes were requested, but are not allowed: " + string.Join(' ', notAllowed)).ConfigureAwait(false);
            return;
        }

        // 3. DPoP (RFC 9449 §5, §8): required by the app, and always with the server's nonce.
        string? jkt = null;
        var proof = context.Request.Headers["DPoP"].ToString();
        if (app.RequireDpop && proof.Length == 0)
        {
            await OktaErrors.OAuthAsync(context, 400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.").ConfigureAwait(false);
            return;
        }

        if (proof.Length > 0)
        {
            var check = await ValidateProofAsync(proof, "POST", tokenEndpoint, AuthorizationServerNonce, null).ConfigureAwait(false);
            if (check.NonceProblem)
            {
                context.Response.Headers["DPoP-Nonce"] = AuthorizationServerNonce;
                await OktaErrors.OAuthAsync(context, 400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.").ConfigureAwait(false);
                return;
            }

            if (check.Error is not null)
            {
                await OktaErrors.OAuthAsync(context, 400, "invalid_dpop_proof", check.Error).ConfigureAwait(false);
                return;
            }

            jkt = check.Thumbprint;
        }

        var now = timeProvider.GetUtcNow();
        var lifetime = emulator.TokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["ver"] = 1,
            ["jti"] = "AT." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["cid"] = app.ClientId,
            ["sub"] = app.ClientId,
            ["scp"] = requested,
        };
        if (jkt is not null)
        {
            claims["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt };
        }

        var accessToken = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = emulator.BaseUri.GetLeftPart(UriPartial.Authority),
            Audience = emulator.BaseUri.GetLeftPart(UriPartial.Authority),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_issuerKey, SecurityAlgorithms.EcdsaSha256),
        });
        emulator.CountIssuedToken();
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        await OktaErrors.JsonAsync(context, 200, new System.Text.Json.Nodes.JsonObject
        {
            ["token_type"] = jkt is null ? "Bearer" : "DPoP",
            ["expires_in"] = (long)lifetime.TotalSeconds,
            ["access_token"] = accessToken,
            ["scope"] = string.Join(' ', requested),
        }).ConfigureAwait(false);
    }

    /// <summary>Checks a management API request's credentials and scope; writes Okta's error and returns null when refused.</summary>
    public async Task<OktaCaller?> AuthorizeAsync(HttpContext context, string path, string requiredScope)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? header[..space] : header;
        var credential = space > 0 ? header[(space + 1)..].Trim() : string.Empty;
        if (scheme == "SSWS")
        {
            var expected = Encoding.UTF8.GetBytes(emulator.ApiTokenForCheck ?? string.Empty);
            var given = Encoding.UTF8.GetBytes(credential);
            if (emulator.ApiTokenForCheck is null || !CryptographicOperations.FixedTimeEquals(expected, given))
            {
                await InvalidTokenAsync(context, "Bearer", "The token is invalid.").ConfigureAwait(false);
                return null;
            }

            return new OktaCaller("SSWS", [], AllScopes: true);
        }

        if (scheme is not ("Bearer" or "DPoP") || credential.Length == 0)
        {
            await InvalidTokenAsync(context, "Bearer", "Authorization is missing or uses an unknown scheme.").ConfigureAwait(false);
            return null;
        }

        var claims = await ValidateAccessTokenAsync(credential).ConfigureAwait(false);
        if (claims is null)
        {
            await InvalidTokenAsync(context, scheme, "The token is invalid.").ConfigureAwait(false);
            return null;
        }

        using (claims)
        {
            var root = claims.RootElement;
            var exp = root.TryGetProperty("exp", out var e) && e.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue;
            if (exp <= timeProvider.GetUtcNow())
            {
                await InvalidTokenAsync(context, scheme, "The token has expired.").ConfigureAwait(false);
                return null;
            }

            var boundJkt = root.TryGetProperty("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object && cnf.TryGetProperty("jkt", out var j) ? j.GetString() : null;
            if (boundJkt is not null && scheme != "DPoP")
            {
                // RFC 9449 §7.1: a DPoP-bound token must not be accepted as a bearer token.
                await InvalidTokenAsync(context, "DPoP", "The DPoP-bound token was presented without DPoP.").ConfigureAwait(false);
                return null;
            }

            if (scheme == "DPoP")
            {
                if (boundJkt is null)
                {
                    await InvalidTokenAsync(context, "DPoP", "The token is not DPoP-bound.").ConfigureAwait(false);
                    return null;
                }

                var proof = context.Request.Headers["DPoP"].ToString();
                var url = new Uri(emulator.BaseUri, path);
                var check = proof.Length == 0
                    ? new ProofCheck("The DPoP proof is missing.", null, false)
                    : await ValidateProofAsync(proof, context.Request.Method, url, emulator.ResourceServerRequiresDpopNonce ? ResourceServerNonce : null, credential).ConfigureAwait(false);
                if (check.NonceProblem)
                {
                    context.Response.Headers["DPoP-Nonce"] = ResourceServerNonce;
                    context.Response.Headers.WWWAuthenticate = "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"";
                    await OktaErrors.ApiAsync(context, 401, "E0000011", "Invalid token provided").ConfigureAwait(false);
                    return null;
                }

                if (check.Error is not null || check.Thumbprint != boundJkt)
                {
                    context.Response.Headers.WWWAuthenticate = $"DPoP error=\"invalid_dpop_proof\", error_description=\"{check.Error ?? "The DPoP proof key does not match the token."}\"";
                    await OktaErrors.ApiAsync(context, 401, "E0000011", "Invalid token provided").ConfigureAwait(false);
                    return null;
                }
            }

            var scopes = root.TryGetProperty("scp", out var scp) && scp.ValueKind == JsonValueKind.Array
                ? scp.EnumerateArray().Select(s => s.GetString() ?? string.Empty).ToArray()
                : [];
            var caller = new OktaCaller(scheme, scopes, AllScopes: false);
            if (!HasScope(caller, requiredScope))
            {
                context.Response.Headers.WWWAuthenticate =
                    $"{scheme} authorization_uri=\"{emulator.BaseUri.GetLeftPart(UriPartial.Authority)}/oauth2/v1/authorize\", realm=\"IdP\", scope=\"{requiredScope}\", error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"{path}\"";
                await OktaErrors.ApiAsync(context, 403, "E0000006", "You do not have permission to perform the requested action").ConfigureAwait(false);
                return null;
            }

            return caller;
        }
    }

    /// <summary>A manage scope includes its read scope (okta.users.manage covers okta.users.read).</summary>
    private static bool HasScope(OktaCaller caller, string required)
        => caller.AllScopes
            || caller.Scopes.Contains(required, StringComparer.Ordinal)
            || (required.EndsWith(".read", StringComparison.Ordinal) && caller.Scopes.Contains(required[..^5] + ".manage", StringComparer.Ordinal));

    private static Task InvalidTokenAsync(HttpContext context, string scheme, string description)
    {
        context.Response.Headers.WWWAuthenticate = $"{scheme} error=\"invalid_token\", error_description=\"{description}\"";
        return OktaErrors.ApiAsync(context, 401, "E0000011", "Invalid token provided");
    }

    private static JsonDocument? Payload(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static JsonDocument? Header(string jwt)
    {
        var dot = jwt.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.AsSpan(0, dot)));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Seconds(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.TryGetInt64(out var seconds) ? seconds : null;

    /// <summary>RFC 7638 JWK thumbprint (required members only, lexicographic order, no whitespace).</summary>
    private static string Thumbprint(JsonElement jwk)
    {
        var kty = Text(jwk, "kty");
        var canonical = kty == "EC"
            ? $"{{\"crv\":\"{Text(jwk, "crv")}\",\"kty\":\"EC\",\"x\":\"{Text(jwk, "x")}\",\"y\":\"{Text(jwk, "y")}\"}}"
            : $"{{\"e\":\"{Text(jwk, "e")}\",\"kty\":\"RSA\",\"n\":\"{Text(jwk, "n")}\"}}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private async Task<(OktaServiceApp? App, string? Error)> AuthenticateClientAsync(HttpContext context, IFormCollection form, Uri tokenEndpoint)
    {
        var assertion = form["client_assertion"].ToString();
        var basic = context.Request.Headers.Authorization.ToString();
        if (assertion.Length == 0)
        {
            // client_secret_basic or client_secret_post, accepted only for the secret app.
            string? id = form["client_id"].ToString(), secret = form["client_secret"].ToString();
            if (basic.StartsWith("Basic ", StringComparison.Ordinal))
            {
                try
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..].Trim()));
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    id = colon > 0 ? Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')) : null;
                    secret = colon > 0 ? Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')) : null;
                }
                catch (FormatException)
                {
                    return (null, "Invalid value for 'client_id' parameter.");
                }
            }

            if (string.IsNullOrEmpty(id) || !Apps.TryGetValue(id, out var secretApp))
            {
                return (null, "Invalid value for 'client_id' parameter.");
            }

            if (secretApp.ClientSecret is null)
            {
                return (null, "Client authentication failed. The client must authenticate with private_key_jwt.");
            }

            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secretApp.ClientSecret), Encoding.UTF8.GetBytes(secret ?? string.Empty))
                ? (secretApp, null)
                : (null, "The client secret supplied for a confidential client is invalid.");
        }

        if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return (null, "The client_assertion_type is invalid.");
        }

        using var payload = Payload(assertion);
        if (payload is null || payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, "The client_assertion token is malformed.");
        }

        var claims = payload.RootElement;
        var issuer = Text(claims, "iss");
        if (issuer is null || !Apps.TryGetValue(issuer, out var app) || app.ClientSecret is not null)
        {
            return (null, "Invalid value for 'client_id' parameter.");
        }

        if (form["client_id"].Count > 0 && form["client_id"] != issuer)
        {
            return (null, "The client_assertion token has an invalid 'iss' claim.");
        }

        var validation = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKeys = app.Keys,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            TryAllIssuerSigningKeys = true,
        }).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            return (null, "The client_assertion signature is invalid.");
        }

        var now = timeProvider.GetUtcNow();
        var exp = Seconds(claims, "exp");
        var iat = Seconds(claims, "iat");
        var jti = Text(claims, "jti");
        if (Text(claims, "sub") != issuer)
        {
            return (null, "The client_assertion token has an invalid 'sub' claim.");
        }

        if (!claims.TryGetProperty("aud", out var aud) || !AudienceMatches(aud, tokenEndpoint.AbsoluteUri))
        {
            return (null, "The audience claim for client_assertion must be the endpoint invoked for the request.");
        }

        if (exp is null || DateTimeOffset.FromUnixTimeSeconds(exp.Value) <= now - Skew)
        {
            return (null, "The client_assertion token is expired.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(exp.Value) > now + TimeSpan.FromHours(1) + Skew)
        {
            return (null, "The client_assertion token has an expiration too far into the future.");
        }

        if (iat is not null && DateTimeOffset.FromUnixTimeSeconds(iat.Value) > now + Skew)
        {
            return (null, "The client_assertion token was issued in the future.");
        }

        if (string.IsNullOrEmpty(jti) || !UseJti("assertion:" + issuer + ":" + jti, DateTimeOffset.FromUnixTimeSeconds(exp.Value)))
        {
            return (null, "The client_assertion token has already been used or has no 'jti'.");
        }

        return (app, null);
    }

    private static bool AudienceMatches(JsonElement aud, string expected) => aud.ValueKind switch
    {
        JsonValueKind.String => aud.GetString() == expected,
        JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == expected),
        _ => false,
    };

    private async Task<JsonDocument?> ValidateAccessTokenAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = _issuerKey,
            ValidIssuer = emulator.BaseUri.GetLeftPart(UriPartial.Authority),
            ValidAudience = emulator.BaseUri.GetLeftPart(UriPartial.Authority),
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        return result.IsValid ? Payload(token) : null;
    }

    /// <summary>RFC 9449 §4.3 checks, in order: syntax, typ, alg, public jwk, signature, htm, htu, iat, nonce, ath, jti.</summary>
    private async Task<ProofCheck> ValidateProofAsync(string proof, string method, Uri url, string? requiredNonce, string? accessToken)
    {
        using var header = Header(proof);
        using var payload = Payload(proof);
        if (header is null || payload is null || header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            return new ProofCheck("The DPoP proof is malformed.", null, false);
        }

        var h = header.RootElement;
        var claims = payload.RootElement;
        if (Text(h, "typ") != "dpop+jwt")
        {
            return new ProofCheck("The DPoP proof 'typ' must be dpop+jwt.", null, false);
        }

        if (!DpopAlgorithms.Contains(Text(h, "alg")))
        {
            return new ProofCheck("The DPoP proof 'alg' is not supported.", null, false);
        }

        if (!h.TryGetProperty("jwk", out var jwkElement) || jwkElement.ValueKind != JsonValueKind.Object || jwkElement.TryGetProperty("d", out _))
        {
            return new ProofCheck("The DPoP proof must carry a public 'jwk'.", null, false);
        }

        var jwk = new JsonWebKey(jwkElement.GetRawText());
        var validation = await _handler.ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = jwk,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidTypes = ["dpop+jwt"],
        }).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            return new ProofCheck("The DPoP proof signature is invalid.", null, false);
        }

        if (Text(claims, "htm") != method)
        {
            return new ProofCheck("The DPoP proof 'htm' does not match the request method.", null, false);
        }

        if (!Uri.TryCreate(Text(claims, "htu"), UriKind.Absolute, out var htu) || !string.Equals(htu.GetLeftPart(UriPartial.Path), url.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
        {
            return new ProofCheck("The DPoP proof 'htu' does not match the request URI.", null, false);
        }

        var now = timeProvider.GetUtcNow();
        var iat = Seconds(claims, "iat");
        if (iat is null || Math.Abs((DateTimeOffset.FromUnixTimeSeconds(iat.Value) - now).TotalSeconds) > 300)
        {
            return new ProofCheck("The DPoP proof 'iat' is missing or too far from the current time.", null, false);
        }

        if (requiredNonce is not null && Text(claims, "nonce") != requiredNonce)
        {
            return new ProofCheck("The DPoP proof nonce is missing or stale.", null, true);
        }

        if (accessToken is not null)
        {
            var expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
            if (Text(claims, "ath") != expected)
            {
                return new ProofCheck("The DPoP proof 'ath' does not match the access token.", null, false);
            }
        }

        var jti = Text(claims, "jti");
        if (string.IsNullOrEmpty(jti) || !UseJti("dpop:" + jti, now.AddMinutes(10)))
        {
            return new ProofCheck("The DPoP proof 'jti' is missing or was already used.", null, false);
        }

        return new ProofCheck(null, Thumbprint(jwkElement), false);
    }

    /// <summary>Replay cache: a jti is accepted once while its assertion or proof could still be valid.</summary>
    private bool UseJti(string key, DateTimeOffset until)
    {
        var now = timeProvider.GetUtcNow();
        if (_usedJtis.Count > 10_000)
        {
            foreach (var old in _usedJtis.Where(p => p.Value < now).Select(p => p.Key).ToList())
            {
                _usedJtis.TryRemove(old, out _);
            }
        }

        return _usedJtis.TryAdd(key, until);
    }

    private sealed record ProofCheck(string? Error, string? Thumbprint, bool NonceProblem);
}
