using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaSeal.Connectors.Okta;
using QuantaSeal.Connectors.Tests.Conformance;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>
/// Client assertions and DPoP proofs checked by <c>tests/interop/jws-verify.mjs</c>, which verifies the signature
/// with node:crypto alone (nothing shared with Microsoft.IdentityModel, which both signs here and verifies in the
/// emulator). Every key is generated per run: these are test vectors, not secrets.
/// </summary>
public sealed class OktaJwtIndependentVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri TokenEndpoint = new("https://acme.okta.example/oauth2/v1/token");

    [Fact]
    public async Task ClientAssertion_FromPkcs1Pem_VerifiesWithTheSpkiPublicKey_AndCarriesExactlyTheRfc7523Claims()
    {
        using var rsa = RSA.Create(2048);
        using var key = OktaSigningKey.Load(rsa.ExportRSAPrivateKeyPem(), "kid-1");

        var jws = OktaJwt.CreateClientAssertion(key, "0oaClient", TokenEndpoint, Now);
        var verified = await VerifyAsync(jws, JsonValue.Create(rsa.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal("""{"alg":"RS256","kid":"kid-1","typ":"JWT"}""", Sorted(verified!["header"]!));
        var payload = verified["payload"]!.AsObject();
        Assert.Equal(["aud", "exp", "iat", "iss", "jti", "sub"], payload.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("0oaClient", (string?)payload["iss"]);
        Assert.Equal("0oaClient", (string?)payload["sub"]);
        Assert.Equal(TokenEndpoint.AbsoluteUri, (string?)payload["aud"]);
        Assert.Equal(Now.ToUnixTimeSeconds(), (long)payload["iat"]!);
        Assert.Equal((Now + OktaJwt.AssertionLifetime).ToUnixTimeSeconds(), (long)payload["exp"]!);
    }

    [Theory]
    [InlineData("P-256", "ES256")]
    [InlineData("P-384", "ES384")]
    [InlineData("P-521", "ES512")]
    public async Task ClientAssertion_FromPrivateEcJwk_VerifiesWithThePublicJwk(string curve, string alg)
    {
        using var ec = ECDsa.Create(curve switch { "P-256" => ECCurve.NamedCurves.nistP256, "P-384" => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 });
        var p = ec.ExportParameters(true);
        var publicJwk = new JsonObject { ["kty"] = "EC", ["crv"] = curve, ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) };
        var privateJwk = (JsonObject)publicJwk.DeepClone();
        privateJwk["d"] = B64(p.D!);
        privateJwk["kid"] = "jwk-kid";
        using var key = OktaSigningKey.Load(privateJwk.ToJsonString(), null);

        var verified = await VerifyAsync(OktaJwt.CreateClientAssertion(key, "0oaClient", TokenEndpoint, Now), publicJwk);

        Assert.Equal(alg, (string?)verified!["header"]!["alg"]);
        Assert.Equal("jwk-kid", (string?)verified["header"]!["kid"]);
    }

    [Fact]
    public async Task DpopProof_VerifiesWithItsHeaderJwk_WhichIsPublicOnly_AndBindsMethodUriNonceAndAccessToken()
    {
        using var key = OktaSigningKey.CreateEphemeralEc();
        const string AccessToken = "eyJ.test-vector.token";

        var proof = OktaJwt.CreateDpopProof(key, "GET", new Uri("https://acme.okta.example/api/v1/users?limit=2#frag"), Now, "nonce-1", AccessToken);
        var verified = await VerifyAsync(proof, null);

        var header = verified!["header"]!.AsObject();
        Assert.Equal("dpop+jwt", (string?)header["typ"]);
        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.False(header.ContainsKey("kid"));
        Assert.Equal(["crv", "kty", "x", "y"], header["jwk"]!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal));
        var payload = verified["payload"]!.AsObject();
        Assert.Equal(["ath", "htm", "htu", "iat", "jti", "nonce"], payload.Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.Equal("GET", (string?)payload["htm"]);
        Assert.Equal("https://acme.okta.example/api/v1/users", (string?)payload["htu"]);
        Assert.Equal("nonce-1", (string?)payload["nonce"]);
        Assert.Equal(B64(SHA256.HashData(Encoding.ASCII.GetBytes(AccessToken))), (string?)payload["ath"]);
    }

    [Fact]
    public async Task TheVerifier_RejectsAProofSignedByAnotherKey()
    {
        using var key = OktaSigningKey.CreateEphemeralEc();
        using var other = OktaSigningKey.CreateEphemeralEc();
        var proof = OktaJwt.CreateDpopProof(key, "POST", TokenEndpoint, Now, null, null);
        var foreignJwk = JsonSerializer.SerializeToNode(other.PublicJwk());

        Assert.Null(await VerifyAsync(proof, foreignJwk));
    }

    [Fact]
    public void StoredDpopKey_RoundTrips_ToTheSamePublicKey()
    {
        using var key = OktaSigningKey.CreateEphemeralEc();

        using var reloaded = OktaSigningKey.Load(key.ExportPrivateEcJwk(), null);

        Assert.Equal(key.PublicJwk(), reloaded.PublicJwk());
        Assert.Equal("ES256", reloaded.Algorithm);
    }

    [Theory]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "Encrypted PEM keys are not supported")]
    [InlineData("""{"keys":[]}""", "exactly one private key")]
    [InlineData("""{"kty":"oct","k":"AAAA"}""", "kty RSA or EC")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}""", "private members")]
    public void Load_RefusesUnusableKeys_WithAMessageWithoutKeyMaterial(string privateKey, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => OktaSigningKey.Load(privateKey, null));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesRsaKeysBelow2048Bits()
    {
        using var rsa = RSA.Create(1024);

        var ex = Assert.Throws<FormatException>(() => OktaSigningKey.Load(rsa.ExportPkcs8PrivateKeyPem(), null));

        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Sorted(JsonNode node) =>
        new JsonObject(node.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();

    /// <summary>Runs the node verifier; the verified header and payload, or null when it rejects the signature.</summary>
    private static async Task<JsonNode?> VerifyAsync(string jws, JsonNode? publicKey)
    {
        var ct = TestContext.Current.CancellationToken;
        var script = Path.Combine(VendorSpec.RepositoryRoot(), "tests", "interop", "jws-verify.mjs");
        using var node = new Process
        {
            StartInfo = new ProcessStartInfo("node", [script])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
        };
        try
        {
            node.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("The independent JWS check needs Node.js (>= 20) on PATH, as the envelope interop tests do.", ex);
        }

        await node.StandardInput.WriteAsync(new JsonObject { ["jws"] = jws, ["key"] = publicKey }.ToJsonString().AsMemory(), ct);
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync(ct);
        var error = node.StandardError.ReadToEndAsync(ct);
        await node.WaitForExitAsync(ct);
        return node.ExitCode switch
        {
            0 => JsonNode.Parse(await output),
            2 => null,
            _ => throw new InvalidOperationException($"jws-verify.mjs failed ({node.ExitCode}): {await error}"),
        };
    }
}
