using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Emulators.Okta;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>Token acquisition: SSWS, private_key_jwt (key formats, scopes), DPoP with nonce retries, refusals.</summary>
public sealed class OktaConnectorTokenTests
{
    [Fact]
    public async Task ApiToken_IsUsedAsSsws_WithoutAnyTokenRequest()
    {
        await using var h = await OktaHarness.StartAsync();

        var token = await h.TokenAsync(h.ApiToken);
        await h.RunAsync(token, "list_groups");

        Assert.Equal("SSWS", token.Scheme);
        Assert.Equal(DateTimeOffset.MaxValue, token.ExpiresAt);
        Assert.Equal(0, h.Emulator.TokenRequestCount);
        Assert.Equal("SSWS", h.Emulator.Requests.Single().AuthScheme);
    }

    [Fact]
    public async Task PrivateKeyJwt_RequestsTheLeastScopesForTheAllowedOperations()
    {
        await using var h = await OktaHarness.StartAsync();

        var token = await h.TokenAsync(h.ServiceApp(), "list_users", "deactivate_user", "get_system_log");

        Assert.Equal("Bearer", token.Scheme);
        Assert.Equal(["okta.logs.read", "okta.users.manage", "okta.users.read"], token.GrantedScopes);
        var form = h.Emulator.Requests.Single(r => r.IsTokenRequest).Body!;
        Assert.Contains("scope=okta.logs.read+okta.users.manage+okta.users.read", form, StringComparison.Ordinal);
        Assert.Contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer", form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateKeyJwt_ScopesNamedByTheCredential_WinOverTheDerivedSet()
    {
        await using var h = await OktaHarness.StartAsync();

        var token = await h.TokenAsync(h.ServiceApp(["okta.users.read"]), OktaHarness.AllOperations);
        var groups = await h.RunAsync(token, "list_groups");

        Assert.Equal(["okta.users.read"], token.GrantedScopes);
        Assert.Equal(UpstreamOutcome.Forbidden, groups.Outcome);
        Assert.Equal(403, groups.StatusCode);
        Assert.Equal("E0000006", groups.ErrorCode);
        Assert.Contains("scope", groups.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateKeyJwt_ScopeNotGrantedToTheApp_IsCredentialRejected()
    {
        await using var h = await OktaHarness.StartAsync();
        h.Emulator.SetServiceAppScopes("okta.users.read");

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(h.ServiceApp(), "list_users", "list_groups"));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal("invalid_scope", ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
    }

    [Fact]
    public async Task PrivateKeyJwt_AfterKeyRotation_IsCredentialRejected()
    {
        await using var h = await OktaHarness.StartAsync();
        var old = h.ServiceApp();
        h.Emulator.RotateServiceAppKey();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(old));
        var renewed = await h.TokenAsync(h.ServiceApp());

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal("invalid_client", ex.ErrorCode);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("Bearer", renewed.Scheme);
    }

    public static TheoryData<string> KeyFormats => new("pkcs1-rsa", "sec1-ec", "pkcs8-ec", "jwk-rsa", "jwk-ec", "jwks-ec");

    [Theory]
    [MemberData(nameof(KeyFormats))]
    public async Task PrivateKeyJwt_AcceptsPemAndJwkKeys(string format)
    {
        await using var h = await OktaHarness.StartAsync();
        string privateKey, publicJwk;
        if (format.EndsWith("rsa", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(true);
            publicJwk = JsonSerializer.Serialize(new { kty = "RSA", kid = "k1", n = B64(p.Modulus!), e = B64(p.Exponent!) });
            privateKey = format == "pkcs1-rsa"
                ? rsa.ExportRSAPrivateKeyPem()
                : JsonSerializer.Serialize(new { kty = "RSA", kid = "k1", n = B64(p.Modulus!), e = B64(p.Exponent!), d = B64(p.D!), p = B64(p.P!), q = B64(p.Q!), dp = B64(p.DP!), dq = B64(p.DQ!), qi = B64(p.InverseQ!) });
        }
        else
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = ec.ExportParameters(true);
            publicJwk = JsonSerializer.Serialize(new { kty = "EC", kid = "k1", crv = "P-256", x = B64(p.Q.X!), y = B64(p.Q.Y!) });
            var jwk = JsonSerializer.Serialize(new { kty = "EC", kid = "k1", crv = "P-256", x = B64(p.Q.X!), y = B64(p.Q.Y!), d = B64(p.D!) });
            privateKey = format switch
            {
                "sec1-ec" => ec.ExportECPrivateKeyPem(),
                "pkcs8-ec" => ec.ExportPkcs8PrivateKeyPem(),
                "jwks-ec" => "{\"keys\":[" + jwk + "]}",
                _ => jwk,
            };
        }

        h.Emulator.RegisterServiceApp("0oaTestApp" + format, publicJwk);

        var token = await h.TokenAsync(new PrivateKeyJwtCredential("0oaTestApp" + format, privateKey, format.StartsWith("jwk", StringComparison.Ordinal) ? null : "k1", null), "list_users");

        Assert.Equal("Bearer", token.Scheme);
        Assert.Equal(UpstreamOutcome.Success, (await h.RunAsync(token, "list_users", """{"limit":1}""")).Outcome);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}")]
    public async Task PrivateKeyJwt_UnusableKey_IsCredentialRejected_WithoutCallingOkta(string key)
    {
        await using var h = await OktaHarness.StartAsync();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(new PrivateKeyJwtCredential(h.Emulator.ServiceAppClientId, key, null, null)));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal("invalid_private_key", ex.ErrorCode);
        Assert.Empty(h.Emulator.Requests);
    }

    [Fact]
    public async Task Dpop_RequiredByTheApp_DetectsIt_AndRetriesOnceWithTheNonce()
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { ServiceAppRequiresDpop = true });

        var token = await h.TokenAsync(h.ServiceApp(), "list_users");
        var second = await h.TokenAsync(h.ServiceApp(), "list_users");

        Assert.Equal("DPoP", token.Scheme);
        Assert.NotNull(token.DpopKey);
        Assert.DoesNotContain("\"d\"", token.ToString(), StringComparison.Ordinal);
        var tokenRequests = h.Emulator.Requests.Where(r => r.IsTokenRequest).ToList();

        // First acquisition: no proof (invalid_dpop_proof) → proof without nonce (use_dpop_nonce) → proof with nonce.
        // Second: the connector remembers both hints and needs one request.
        Assert.Equal([false, true, true, true], tokenRequests.Select(r => r.HasDpopProof));
        Assert.Equal(2, h.Emulator.IssuedTokenCount);
        Assert.Equal("DPoP", second.Scheme);
    }

    [Fact]
    public async Task Dpop_ResourceServerNonce_IsRetriedOnce_AndEveryRequestCarriesAFreshProof()
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { ServiceAppRequiresDpop = true, ResourceServerRequiresDpopNonce = true });
        var token = await h.TokenAsync(h.ServiceApp(), "list_users", "create_user");
        h.Emulator.ClearRequests();

        var first = await h.RunAsync(token, "list_users", """{"limit":2}""");
        var second = await h.RunAsync(token, "list_users", """{"limit":2}""");
        h.Emulator.RotateDpopNonces();
        var third = await h.RunAsync(token, "create_user", """{"profile":{"email":"n@example.com","login":"n@example.com","firstName":"N","lastName":"N"}}""");

        Assert.Equal([UpstreamOutcome.Success, UpstreamOutcome.Success, UpstreamOutcome.Success], [first.Outcome, second.Outcome, third.Outcome]);

        // 2 for the first call (nonce challenge + retry), 1 for the second (nonce remembered), 2 after rotation.
        Assert.Equal(5, h.Emulator.ApiRequestCount);
        Assert.All(h.Emulator.Requests, r => Assert.True(r.HasDpopProof && r.AuthScheme == "DPoP"));
    }

    [Fact]
    public async Task Dpop_BoundTokenPresentedAsBearer_IsUnauthorized()
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { ServiceAppRequiresDpop = true });
        var token = await h.TokenAsync(h.ServiceApp(), "list_users");

        var response = await h.RunAsync(token with { Scheme = "Bearer", DpopKey = null }, "list_users");

        Assert.Equal(UpstreamOutcome.Unauthorized, response.Outcome);
        Assert.Equal("E0000011", response.ErrorCode);
    }

    [Fact]
    public async Task ClientSecret_ForOktaScopes_IsCredentialRejected_AndNothingIsSent()
    {
        await using var h = await OktaHarness.StartAsync();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() =>
            h.TokenAsync(new OAuth2ClientSecretCredential(h.Emulator.SecretAppClientId, h.Emulator.SecretAppClientSecret, null, null), "list_users"));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Contains("private_key_jwt", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Emulator.SecretAppClientSecret, ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Emulator.Requests);
    }

    [Fact]
    public async Task ClientSecret_ForOtherScopes_IsSentAsBasic_AndOktaRefusalIsCredentialRejected()
    {
        await using var h = await OktaHarness.StartAsync();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() =>
            h.TokenAsync(new OAuth2ClientSecretCredential(h.Emulator.SecretAppClientId, h.Emulator.SecretAppClientSecret, null, ["custom.read"]), "list_users"));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal("invalid_client", ex.ErrorCode);
        Assert.Contains("private_key_jwt", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Basic", h.Emulator.Requests.Single().AuthScheme);
    }

    [Fact]
    public async Task ExpiredToken_IsUnauthorized()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { TimeProvider = clock }, connectorTime: clock);
        var token = await h.TokenAsync(h.ServiceApp(), "list_users");
        Assert.Equal(clock.GetUtcNow().AddHours(1), token.ExpiresAt);

        clock.Advance(TimeSpan.FromMinutes(61));
        var response = await h.RunAsync(token, "list_users");

        Assert.Equal(UpstreamOutcome.Unauthorized, response.Outcome);
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("E0000011", response.ErrorCode);
    }

    [Fact]
    public async Task TokenLifetimeKnob_IsReflectedInExpiresAt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { TimeProvider = clock }, connectorTime: clock);
        h.Emulator.TokenLifetime = TimeSpan.FromSeconds(90);

        var token = await h.TokenAsync(h.ServiceApp(), "list_users");

        Assert.Equal(clock.GetUtcNow().AddSeconds(90), token.ExpiresAt);
    }

    [Fact]
    public async Task RevokedApiToken_IsUnauthorized()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        h.Emulator.RevokeApiToken();

        var response = await h.RunAsync(token, "list_users");

        Assert.Equal(UpstreamOutcome.Unauthorized, response.Outcome);
        Assert.Equal("E0000011", response.ErrorCode);
    }

    [Fact]
    public async Task TokenEndpoint5xx_WithASignedAssertion_IsNotReplayed_AndTheNextAttemptSignsAFreshOne()
    {
        await using var h = await OktaHarness.StartAsync();
        h.Emulator.FailNextTokenRequests(1, 503);

        // A client assertion is single-use (jti): the pipeline must not resend it, or Okta refuses the replay.
        var failed = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(h.ServiceApp(), "list_users"));
        var token = await h.TokenAsync(h.ServiceApp(), "list_users");

        Assert.Equal(UpstreamOutcome.ServerError, failed.Outcome);
        Assert.Equal("Bearer", token.Scheme);
        Assert.Equal(2, h.Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task NoSecretTokenKeyOrAssertion_EverReachesTheLogs()
    {
        await using var h = await OktaHarness.StartAsync(new OktaEmulatorOptions { ServiceAppRequiresDpop = true });
        var sswsToken = await h.TokenAsync(h.ApiToken);
        var dpopToken = await h.TokenAsync(h.ServiceApp());
        await h.RunAsync(sswsToken, "list_users", """{"search":"profile.login sw \"secret-search\""}""");
        await h.RunAsync(dpopToken, "get_user", """{"user_id":"missing-user-42"}""");
        await Assert.ThrowsAsync<UpstreamCallException>(() =>
            h.TokenAsync(new OAuth2ClientSecretCredential(h.Emulator.SecretAppClientId, h.Emulator.SecretAppClientSecret, null, ["custom.read"])));

        var ownText = h.AllLogText(category: typeof(QuantaSeal.Connectors.Okta.OktaConnector).FullName);

        // Other categories (HttpClient's own logging, configured by AddQuantaSealConnectors) are checked at Debug and up
        // for credentials and query strings; they do log request paths, which hold user ids (see the issue report).
        var allText = h.AllLogText(Microsoft.Extensions.Logging.LogLevel.Debug);
        var assertion = h.Emulator.Requests.First(r => r.IsTokenRequest).Body!;
        var own = h.Logs.GetSnapshot().Where(r => r.Category == typeof(QuantaSeal.Connectors.Okta.OktaConnector).FullName).ToList();
        Assert.NotEmpty(own);
        Assert.All(own, r => Assert.InRange(r.Id.Id, 5200, 5299));
        foreach (var secret in new[] { h.Emulator.ApiToken, dpopToken.AccessToken, dpopToken.DpopKey!, h.Emulator.SecretAppClientSecret, "secret-search", "client_assertion", "BEGIN", assertion[^40..] })
        {
            Assert.DoesNotContain(secret, ownText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, allText, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("missing-user-42", ownText, StringComparison.Ordinal);
    }

    private static string B64(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
