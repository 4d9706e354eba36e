using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// Issues and checks the emulator's access tokens: RS256 JWTs shaped like Auth0's M2M tokens (<c>iss</c>,
/// <c>sub = {client_id}@clients</c>, <c>aud</c>, <c>iat</c>, <c>exp</c>, <c>scope</c>, <c>gty</c>, <c>azp</c>, <c>jti</c>).
/// Expiry is checked against the emulator's <see cref="TimeProvider"/>, so tests can expire tokens without waiting.
/// </summary>
internal sealed class Auth0TokenIssuer : IDisposable
{
    // RSA-2048 generation costs tens to hundreds of milliseconds; emulators in one process start with one shared
    // key (tokens still name their issuer and audience, which differ per instance). Rotation makes a private key.
    private static readonly Lazy<(RSA Rsa, RsaSecurityKey Key)> SharedKey = new(NewKey);

    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lock _gate = new();
    private readonly List<RSA> _retired = [];
    private RSA _rsa;
    private RsaSecurityKey _key;
    private long _issued;

    public Auth0TokenIssuer(string issuer, string audience, TimeProvider time)
    {
        _issuer = issuer;
        _audience = audience;
        _time = time;
        (_rsa, _key) = SharedKey.Value;
    }

    /// <summary>Issues a token.</summary>
    public string Issue(string clientId, IReadOnlyList<string> scopes, TimeSpan lifetime, string audience)
    {
        var now = _time.GetUtcNow();
        var number = Interlocked.Increment(ref _issued);
        RsaSecurityKey key;
        lock (_gate)
        {
            key = _key;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", clientId + "@clients"),
                new Claim("scope", string.Join(' ', scopes)),
                new Claim("gty", "client-credentials"),
                new Claim("azp", clientId),
                new Claim("jti", $"tok_{number:D6}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}"),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>
    /// Checks a bearer token as Auth0 does: signature with the current key, issuer, audience, expiry. Returns the
    /// Auth0 error message on failure.
    /// </summary>
    public async Task<Auth0TokenCheck> CheckAsync(string token)
    {
        RsaSecurityKey key;
        lock (_gate)
        {
            key = _key;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _issuer,
            ValidAudience = _audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = false, // checked below on the emulator's clock
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Auth0TokenCheck.Fail(result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "Bad audience",
                SecurityTokenInvalidIssuerException => "Bad issuer",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "Invalid signature received for JSON Web Token validation",
                _ => "Invalid token",
            });
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (jwt.ValidTo <= _time.GetUtcNow().UtcDateTime)
        {
            return Auth0TokenCheck.Fail("Expired token received for JSON Web Token validation");
        }

        var scopes = jwt.TryGetPayloadValue<string>("scope", out var scope) ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        var clientId = jwt.TryGetPayloadValue<string>("azp", out var azp) ? azp : string.Empty;
        return new Auth0TokenCheck(true, null, clientId, scopes);
    }

    /// <summary>The <c>jti</c> of a token, read without validation (for the request log only).</summary>
    public static string? PeekTokenId(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return jwt.TryGetPayloadValue<string>("jti", out var jti) ? jti : null;
        }
        catch (ArgumentException)
        {
            // Includes SecurityTokenMalformedException: not a JWT at all.
            return null;
        }
    }

    /// <summary>Replaces the signing key: every token issued before fails its signature check.</summary>
    public void RotateKey()
    {
        var (rsa, key) = NewKey();
        lock (_gate)
        {
            // A concurrent Issue/Check may still hold the old key: retire it, dispose it with the emulator.
            if (!ReferenceEquals(_rsa, SharedKey.Value.Rsa))
            {
                _retired.Add(_rsa);
            }

            (_rsa, _key) = (rsa, key);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_rsa, SharedKey.Value.Rsa))
            {
                _rsa.Dispose();
            }

            foreach (var rsa in _retired)
            {
                rsa.Dispose();
            }
        }
    }

    private static (RSA Rsa, RsaSecurityKey Key) NewKey()
    {
        var rsa = RSA.Create(2048);
        return (rsa, new RsaSecurityKey(rsa) { KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) });
    }
}
