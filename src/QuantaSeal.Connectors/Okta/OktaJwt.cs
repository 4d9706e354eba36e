using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QuantaSeal.Connectors.Okta;

/// <summary>
/// Builds the two JWTs the Okta connector signs: the <c>private_key_jwt</c> client assertion (RFC 7523 §2.2,
/// Okta "Build a JWT for client authentication") and the DPoP proof (RFC 9449 §4.2). The header and claims are written
/// by hand so that nothing else (no default <c>nbf</c>, no library-added claims) ends up in them.
/// </summary>
internal static class OktaJwt
{
    /// <summary>Okta refuses assertions living longer than one hour; five minutes keeps a leaked one short-lived.</summary>
    public static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Client assertion: iss = sub = client_id, aud = the token endpoint, a fresh jti, iat, exp = iat + 5 min.</summary>
    public static string CreateClientAssertion(OktaSigningKey key, string clientId, Uri tokenEndpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        return Create(
            key,
            header =>
            {
                header.WriteString("typ", "JWT");
                if (key.KeyId is not null)
                {
                    header.WriteString("kid", key.KeyId);
                }
            },
            claims =>
            {
                claims.WriteString("iss", clientId);
                claims.WriteString("sub", clientId);
                claims.WriteString("aud", tokenEndpoint.AbsoluteUri);
                claims.WriteString("jti", NewJti());
                claims.WriteNumber("iat", now.ToUnixTimeSeconds());
                claims.WriteNumber("exp", (now + AssertionLifetime).ToUnixTimeSeconds());
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
        return Create(
            key,
            header =>
            {
                header.WriteString("typ", "dpop+jwt");
                header.WritePropertyName("jwk");
                key.WritePublicJwk(header);
            },
            claims =>
            {
                claims.WriteString("jti", NewJti());
                claims.WriteString("htm", method);
                claims.WriteString("htu", HtuOf(uri));
                claims.WriteNumber("iat", now.ToUnixTimeSeconds());
                if (nonce is not null)
                {
                    claims.WriteString("nonce", nonce);
                }

                if (accessToken is not null)
                {
                    claims.WriteString("ath", AccessTokenHash(accessToken));
                }
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
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
    }

    private static string NewJti() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    private static string Create(OktaSigningKey key, Action<Utf8JsonWriter> headerExtras, Action<Utf8JsonWriter> claims)
    {
        var header = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", key.Algorithm);
            headerExtras(writer);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            claims(writer);
            writer.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
