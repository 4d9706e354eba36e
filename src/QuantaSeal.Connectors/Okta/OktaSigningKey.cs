using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QuantaSeal.Connectors.Okta;

/// <summary>
/// An asymmetric signing key for JWS (RFC 7515): the service app's client-assertion key (RSA or EC, from PEM or a
/// private JWK) or an ephemeral DPoP key (EC P-256). Load failures throw <see cref="FormatException"/> with a
/// message that never contains key material.
/// </summary>
internal sealed class OktaSigningKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly HashAlgorithmName _hash;

    private OktaSigningKey(RSA? rsa, ECDsa? ec, string algorithm, string? keyId)
    {
        _rsa = rsa;
        _ec = ec;
        Algorithm = algorithm;
        KeyId = keyId;
        _hash = algorithm[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
    }

    /// <summary>JWS <c>alg</c>: RS256/RS384/RS512 or ES256/ES384/ES512.</summary>
    public string Algorithm { get; }

    /// <summary>JWS <c>kid</c>, if known.</summary>
    public string? KeyId { get; }

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
    public static OktaSigningKey CreateEphemeralEc() => new(null, ECDsa.Create(ECCurve.NamedCurves.nistP256), "ES256", null);

    /// <summary>Signs <paramref name="data"/> as JWS requires (PKCS#1 v1.5 for RS*, IEEE P1363 r||s for ES*).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        return _rsa is not null
            ? _rsa.SignData(data, _hash, RSASignaturePadding.Pkcs1)
            : _ec!.SignData(data, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Writes the public JWK members (RFC 7517/7518), in the lexicographic order RFC 7638 thumbprints use.</summary>
    public void WritePublicJwk(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            writer.WriteString("e", B64(p.Exponent!));
            writer.WriteString("kty", "RSA");
            writer.WriteString("n", B64(p.Modulus!));
        }
        else
        {
            var p = _ec!.ExportParameters(false);
            writer.WriteString("crv", CurveName());
            writer.WriteString("kty", "EC");
            writer.WriteString("x", B64(p.Q.X!));
            writer.WriteString("y", B64(p.Q.Y!));
        }

        writer.WriteEndObject();
    }

    /// <summary>The private JWK (JSON) of an EC key, for <see cref="UpstreamToken.DpopKey"/>. The private scalar is wiped from the temporary buffer.</summary>
    public string ExportPrivateEcJwk()
    {
        if (_ec is null)
        {
            throw new InvalidOperationException("Only EC keys are exported.");
        }

        var p = _ec.ExportParameters(true);
        try
        {
            var buffer = new ArrayBufferWriterWithWipe();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("kty", "EC");
                writer.WriteString("crv", CurveName());
                writer.WriteString("x", B64(p.Q.X!));
                writer.WriteString("y", B64(p.Q.Y!));
                writer.WriteString("d", B64(p.D!));
                writer.WriteEndObject();
            }

            var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
            buffer.Wipe();
            return json;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }

    private static OktaSigningKey FromPem(string pem, string? keyId)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("The private key is neither PEM nor a JWK.");
        }

        var label = pem[fields.Label];
        if (label is "ENCRYPTED PRIVATE KEY")
        {
            throw new FormatException("Encrypted PEM keys are not supported; seal the unencrypted PKCS#8 key.");
        }

        if (label is not ("PRIVATE KEY" or "RSA PRIVATE KEY" or "EC PRIVATE KEY"))
        {
            throw new FormatException("The PEM block is not a private key (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY).");
        }

        var der = new byte[fields.DecodedDataLength];
        try
        {
            if (!Convert.TryFromBase64Chars(pem.AsSpan(fields.Base64Data), der, out var written) || written != der.Length)
            {
                throw new FormatException("The PEM body is not valid base64.");
            }

            return label switch
            {
                "RSA PRIVATE KEY" => FromRsa(ImportRsa(r => r.ImportRSAPrivateKey(der, out _)), null, keyId),
                "EC PRIVATE KEY" => FromEc(ImportEc(e => e.ImportECPrivateKey(der, out _)), null, keyId),
                _ => FromPkcs8(der, keyId),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static OktaSigningKey FromPkcs8(byte[] der, string? keyId)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(der, out _);
            return FromRsa(rsa, null, keyId);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
        }

        return FromEc(ImportEc(e => e.ImportPkcs8PrivateKey(der, out _)), null, keyId);
    }

    private static OktaSigningKey FromJwk(string json, string? keyId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new FormatException("The private JWK is not valid JSON.");
        }

        using (document)
        {
            var jwk = document.RootElement;
            if (jwk.ValueKind == JsonValueKind.Object && jwk.TryGetProperty("keys", out var keys))
            {
                if (keys.ValueKind != JsonValueKind.Array || keys.GetArrayLength() != 1)
                {
                    throw new FormatException("A JWK Set must hold exactly one private key.");
                }

                jwk = keys[0];
            }

            if (jwk.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The private JWK must be a JSON object.");
            }

            var kid = keyId ?? OptionalString(jwk, "kid");
            var alg = OptionalString(jwk, "alg");
            switch (OptionalString(jwk, "kty"))
            {
                case "RSA":
                    var rsaParameters = new RSAParameters
                    {
                        Modulus = Required(jwk, "n"),
                        Exponent = Required(jwk, "e"),
                        D = Required(jwk, "d"),
                        P = Required(jwk, "p"),
                        Q = Required(jwk, "q"),
                        DP = Required(jwk, "dp"),
                        DQ = Required(jwk, "dq"),
                        InverseQ = Required(jwk, "qi"),
                    };
                    try
                    {
                        return FromRsa(ImportRsa(r => r.ImportParameters(rsaParameters)), alg, kid);
                    }
                    finally
                    {
                        Wipe(rsaParameters.D, rsaParameters.P, rsaParameters.Q, rsaParameters.DP, rsaParameters.DQ, rsaParameters.InverseQ);
                    }

                case "EC":
                    var curve = OptionalString(jwk, "crv") switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => throw new FormatException("The EC JWK must use crv P-256, P-384 or P-521."),
                    };
                    var ecParameters = new ECParameters
                    {
                        Curve = curve,
                        Q = new ECPoint { X = Required(jwk, "x"), Y = Required(jwk, "y") },
                        D = Required(jwk, "d"),
                    };
                    try
                    {
                        return FromEc(ImportEc(e => e.ImportParameters(ecParameters)), alg, kid);
                    }
                    finally
                    {
                        Wipe(ecParameters.D);
                    }

                default:
                    throw new FormatException("The JWK must have kty RSA or EC.");
            }
        }
    }

    private static OktaSigningKey FromRsa(RSA rsa, string? alg, string? keyId)
    {
        if (rsa.KeySize < 2048)
        {
            rsa.Dispose();
            throw new FormatException("RSA keys must have at least 2048 bits.");
        }

        alg ??= "RS256";
        if (alg is not ("RS256" or "RS384" or "RS512"))
        {
            rsa.Dispose();
            throw new FormatException("The JWK alg does not match an RSA key (expected RS256, RS384 or RS512).");
        }

        return new OktaSigningKey(rsa, null, alg, keyId);
    }

    private static OktaSigningKey FromEc(ECDsa ec, string? alg, string? keyId)
    {
        var expected = ec.KeySize switch
        {
            256 => "ES256",
            384 => "ES384",
            521 => "ES512",
            _ => null,
        };
        if (expected is null || (alg is not null && alg != expected))
        {
            ec.Dispose();
            throw new FormatException("EC keys must be P-256 (ES256), P-384 (ES384) or P-521 (ES512), matching the JWK alg.");
        }

        return new OktaSigningKey(null, ec, expected, keyId);
    }

    private static RSA ImportRsa(Action<RSA> import)
    {
        var rsa = RSA.Create();
        try
        {
            import(rsa);
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw new FormatException("The RSA private key could not be read.");
        }
    }

    private static ECDsa ImportEc(Action<ECDsa> import)
    {
        var ec = ECDsa.Create();
        try
        {
            import(ec);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
            throw new FormatException("The private key could not be read as RSA or EC.");
        }
    }

    private static string? OptionalString(JsonElement jwk, string name)
    {
        return jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static byte[] Required(JsonElement jwk, string name)
    {
        if (!jwk.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"The JWK lacks the '{name}' member (a private key is required).");
        }

        try
        {
            return Base64Url.DecodeFromChars(value.GetString());
        }
        catch (FormatException)
        {
            throw new FormatException($"The JWK member '{name}' is not base64url.");
        }
    }

    private static void Wipe(params byte[]?[] buffers)
    {
        foreach (var buffer in buffers)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private string CurveName() => _ec!.KeySize switch
    {
        256 => "P-256",
        384 => "P-384",
        _ => "P-521",
    };

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>A growable buffer that can be wiped (the JSON holding a private scalar).</summary>
    private sealed class ArrayBufferWriterWithWipe : System.Buffers.IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[512];
        private int _written;

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(_written);
        }

        public void Wipe() => CryptographicOperations.ZeroMemory(_buffer);

        private void Ensure(int sizeHint)
        {
            if (_buffer.Length - _written >= Math.Max(sizeHint, 1))
            {
                return;
            }

            var bigger = new byte[Math.Max(_buffer.Length * 2, _written + sizeHint)];
            _buffer.AsSpan(0, _written).CopyTo(bigger);
            CryptographicOperations.ZeroMemory(_buffer);
            _buffer = bigger;
        }
    }
}
