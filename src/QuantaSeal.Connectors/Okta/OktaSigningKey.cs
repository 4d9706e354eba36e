using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace QuantaSeal.Connectors.Okta;

/// <summary>
/// An asymmetric JWS signing key (RFC 7515): the service app's client-assertion key (RSA or EC, from PEM or a private
/// JWK) or an ephemeral DPoP key (EC P-256). PEM goes through the BCL's <c>ImportFromPem</c>, JWKs through
/// Microsoft.IdentityModel; this class only decides which keys are acceptable. Load failures throw
/// <see cref="FormatException"/> with a fixed message that never contains key material.
/// </summary>
internal sealed class OktaSigningKey : IDisposable
{
    // Signature providers are not cached: each DPoP key lives for one token, and a cache would keep disposed keys alive.
    private static readonly CryptoProviderFactory Uncached = new() { CacheSignatureProviders = false };

    private readonly AsymmetricAlgorithm _key;

    private OktaSigningKey(AsymmetricSecurityKey key, AsymmetricAlgorithm algorithm, string jwsAlgorithm)
    {
        _key = algorithm;
        Credentials = new SigningCredentials(key, jwsAlgorithm) { CryptoProviderFactory = Uncached };
    }

    /// <summary>The key and JWS <c>alg</c> (RS256/RS384/RS512 or ES256/ES384/ES512); the key's <c>KeyId</c> becomes the JWS <c>kid</c>.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>JWS <c>alg</c>.</summary>
    public string Algorithm => Credentials.Algorithm;

    /// <summary>
    /// Reads a private key: PEM (PKCS#8 <c>PRIVATE KEY</c>, PKCS#1 <c>RSA PRIVATE KEY</c>, SEC1 <c>EC PRIVATE KEY</c>), a
    /// private JWK, or a JWK Set holding exactly one key. RSA keys must have at least 2048 bits; EC keys use P-256,
    /// P-384 or P-521. <paramref name="keyId"/> wins over the JWK's own <c>kid</c>.
    /// </summary>
    /// <exception cref="FormatException">The key cannot be used; the message says why without any key material.</exception>
    public static OktaSigningKey Load(string privateKey, string? keyId)
    {
        if (string.IsNullOrWhiteSpace(privateKey))
        {
            throw new FormatException("The private key is empty.");
        }

        var text = privateKey.Trim();
        return text.StartsWith('{') ? FromJwk(text, keyId) : FromPem(text, keyId);
    }

    /// <summary>A fresh EC P-256 key for DPoP proofs (RFC 9449 §4.2 requires an asymmetric key; ES256 is the common choice).</summary>
    public static OktaSigningKey CreateEphemeralEc()
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new OktaSigningKey(new ECDsaSecurityKey(ec), ec, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>The public JWK members (RFC 7517/7518) for a DPoP proof header; never the private ones.</summary>
    public Dictionary<string, object> PublicJwk()
    {
        var jwk = JsonWebKeyConverter.ConvertFromSecurityKey(Credentials.Key);
        return _key is RSA
            ? new(StringComparer.Ordinal) { ["e"] = jwk.E, ["kty"] = JsonWebAlgorithmsKeyTypes.RSA, ["n"] = jwk.N }
            : new(StringComparer.Ordinal) { ["crv"] = jwk.Crv, ["kty"] = JsonWebAlgorithmsKeyTypes.EllipticCurve, ["x"] = jwk.X, ["y"] = jwk.Y };
    }

    /// <summary>The private JWK (JSON) of an EC key, for <see cref="UpstreamToken.DpopKey"/>; <see cref="Load"/> reads it back.</summary>
    public string ExportPrivateEcJwk()
    {
        if (_key is not ECDsa ec)
        {
            throw new InvalidOperationException("Only EC keys are exported.");
        }

        var p = ec.ExportParameters(true);
        try
        {
            return JsonSerializer.Serialize(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["kty"] = JsonWebAlgorithmsKeyTypes.EllipticCurve,
                ["crv"] = CurveName(ec.KeySize),
                ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                ["d"] = Base64UrlEncoder.Encode(p.D),
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    private static OktaSigningKey FromPem(string pem, string? keyId)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("The private key is neither PEM nor a JWK.");
        }

        // ImportFromPem also takes public keys and would pick the first key-like block; accept private labels only.
        AsymmetricAlgorithm key = pem[fields.Label] switch
        {
            "RSA PRIVATE KEY" => Import(RSA.Create(), pem),
            "EC PRIVATE KEY" => Import(ECDsa.Create(), pem),
            "PRIVATE KEY" => TryImport(RSA.Create(), pem) ?? Import(ECDsa.Create(), pem),
            "ENCRYPTED PRIVATE KEY" => throw new FormatException("Encrypted PEM keys are not supported; seal the unencrypted PKCS#8 key."),
            _ => throw new FormatException("The PEM block is not a private key (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)."),
        };
        return Accept(key, null, keyId);
    }

    private static AsymmetricAlgorithm Import(AsymmetricAlgorithm key, string pem)
        => TryImport(key, pem) ?? throw new FormatException("The private key could not be read as RSA or EC.");

    private static AsymmetricAlgorithm? TryImport(AsymmetricAlgorithm key, string pem)
    {
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
    }

    private static OktaSigningKey FromJwk(string json, string? keyId)
    {
        JsonWebKey jwk;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("keys", out _))
            {
                var keys = JsonWebKeySet.Create(json).Keys;
                jwk = keys.Count == 1 ? keys[0] : throw new FormatException("A JWK Set must hold exactly one private key.");
            }
            else
            {
                jwk = JsonWebKey.Create(json);
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new FormatException("The private JWK is not valid JSON.");
        }

        if (jwk.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve))
        {
            throw new FormatException("The JWK must have kty RSA or EC.");
        }

        if (!jwk.HasPrivateKey)
        {
            throw new FormatException("The JWK lacks its private members (a private key is required).");
        }

        if (jwk.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && jwk.Crv is not ("P-256" or "P-384" or "P-521"))
        {
            throw new FormatException("The EC JWK must use crv P-256, P-384 or P-521.");
        }

        AsymmetricAlgorithm key;
        try
        {
            key = JsonWebKeyConverter.TryConvertToSecurityKey(jwk, out var converted) && converted is AsymmetricSecurityKey
                ? converted switch
                {
                    RsaSecurityKey rsa => rsa.Rsa ?? RSA.Create(rsa.Parameters),
                    ECDsaSecurityKey ec => ec.ECDsa,
                    _ => throw new FormatException("The JWK must have kty RSA or EC."),
                }
                : throw new FormatException("The private JWK could not be read.");
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new FormatException("The private JWK could not be read.");
        }

        return Accept(key, jwk.Alg, keyId ?? jwk.Kid);
    }

    /// <summary>One rule per check, fail closed: RSA ≥ 2048 bits with RS*, EC on a NIST curve with the matching ES*.</summary>
    private static OktaSigningKey Accept(AsymmetricAlgorithm key, string? alg, string? keyId)
    {
        try
        {
            switch (key)
            {
                case RSA rsa when rsa.KeySize < 2048:
                    throw new FormatException("RSA keys must have at least 2048 bits.");
                case RSA rsa:
                    alg ??= SecurityAlgorithms.RsaSha256;
                    return alg is SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.RsaSha384 or SecurityAlgorithms.RsaSha512
                        ? Checked(new OktaSigningKey(new RsaSecurityKey(rsa) { KeyId = keyId }, rsa, alg))
                        : throw new FormatException("The JWK alg does not match an RSA key (expected RS256, RS384 or RS512).");
                case ECDsa ec:
                    var expected = ec.KeySize switch { 256 => "ES256", 384 => "ES384", 521 => "ES512", _ => null };
                    return expected is not null && (alg is null || alg == expected)
                        ? Checked(new OktaSigningKey(new ECDsaSecurityKey(ec) { KeyId = keyId }, ec, expected))
                        : throw new FormatException("EC keys must be P-256 (ES256), P-384 (ES384) or P-521 (ES512), matching the JWK alg.");
                default:
                    throw new FormatException("The private key could not be read as RSA or EC.");
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Signs once at load, so a key whose public and private halves do not belong together is refused now, not per call.</summary>
    private static OktaSigningKey Checked(OktaSigningKey key)
    {
        try
        {
            var provider = Uncached.CreateForSigning(key.Credentials.Key, key.Algorithm);
            try
            {
                _ = provider.Sign([0]);
            }
            finally
            {
                Uncached.ReleaseSignatureProvider(provider);
            }

            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new FormatException("The private key cannot sign.");
        }
    }

    private static string CurveName(int keySize) => keySize switch
    {
        256 => "P-256",
        384 => "P-384",
        _ => "P-521",
    };
}
