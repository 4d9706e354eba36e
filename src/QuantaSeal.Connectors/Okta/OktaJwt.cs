using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaSeal.Connectors.Okta;

/// <summary>
/// Builds the two JWTs the Okta connector signs: the <c>private_key_jwt</c> client assertion (RFC 7523 §2.2,
/// Okta "Build a JWT for client authentication") and the DPoP proof (RFC 9449 §4.2), with Microsoft.IdentityModel's
/// <see cref="JsonWebTokenHandler"/>. Default times are off and every claim is named here, so nothing else (no
/// default <c>nbf</c>, no library-added claims) ends up in them.
/// </summary>
internal static class OktaJwt
{
    /// <summary>Okta refuses assertions living longer than one hour; five minutes keeps a leaked one short-lived.</summary>
    public static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(5);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Client assertion: typ JWT, kid when known; iss = sub = client_id, aud = the token endpoint, a fresh jti, iat, exp = iat + 5 min.</summary>
    public static string CreateClientAssertion(OktaSigningKey key, string clientId, Uri tokenEndpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = JwtConstants.HeaderType,
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Iss] = clientId,
                [JwtRegisteredClaimNames.Sub] = clientId,
                [JwtRegisteredClaimNames.Aud] = tokenEndpoint.AbsoluteUri,
                [JwtRegisteredClaimNames.Jti] = NewJti(),
                [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
                [JwtRegisteredClaimNames.Exp] = (now + AssertionLifetime).ToUnixTimeSeconds(),
            },
        });
    }

    /// <summary>
    /// DPoP proof: header typ <c>dpop+jwt</c> with the public <c>jwk</c>; claims jti, htm, htu (no query or fragment,
    /// RFC 9449 §4.2), iat, the server's nonce when it asked for one, and ath = base64url(SHA-256(access token)) when
    /// presenting a DPoP-bound token to a resource server.
    /// </summary>
    public static string CreateDpopProof(OktaSigningKey key, string method, Uri uri, DateTimeOffset now, string? nonce, string? accessToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(uri);
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Jti] = NewJti(),
            ["htm"] = method,
            ["htu"] = HtuOf(uri),
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (accessToken is not null)
        {
            claims["ath"] = AccessTokenHash(accessToken);
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            SigningCredentials = key.Credentials,
            AdditionalHeaderClaims = new Dictionary<string, object>(StringComparer.Ordinal) { [JwtHeaderParameterNames.Jwk] = key.PublicJwk() },
            Claims = claims,
        });
    }

    /// <summary>The htu of a request: scheme, authority and path, without query and fragment.</summary>
    public static string HtuOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.GetLeftPart(UriPartial.Path);
    }

    /// <summary>ath (RFC 9449 §4.2): base64url of the SHA-256 of the ASCII access token.</summary>
    public static string AccessTokenHash(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
    }

    private static string NewJti() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
}
