using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Tests.Shared;
using SdkEncryption = QuantaSeal.Client.Encryption.Encryption;

namespace QuantaSeal.Client.Tests.Sdk;

/// <summary>
/// Issue 13 finding 10 through the real server: every proxy answer is a v2 envelope bound to the request the SDK sent
/// and to its time of issue, with paging, rate_limit and error under its signatures. Whatever changes the answer on its
/// way (here a handler between the SDK and the server) is caught by <see cref="QuantaSealClient.ProxyAsync"/>.
/// </summary>
public sealed class SdkEnvelopeBindingTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_VerifiesTheAnswer_AndItsRequestHashIsTheOneTheAuditEventRecords()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var integrationId = await OktaIntegrationAsync(tenant.Client);

        var response = await tenant.Client.ProxyAsync(integrationId, "list_users", new { limit = 2 }, cancellationToken: Ct);

        Assert.True(response.Success, response.ErrorType);
        Assert.NotNull(response.Verified);
        Assert.Equal(2, response.Verified.Version);
        Assert.Equal(EnvelopeRequestHash.ForProxy(integrationId, "list_users", """{"limit":2}"""), response.RequestSha256);
        Assert.Equal(response.RequestSha256, response.Verified.RequestSha256);
        Assert.Equal(response.Verified.NextCursor, response.Paging!.NextCursor);
        Assert.False(string.IsNullOrEmpty(response.NextCursor));
        var recorded = await AuditedRequestHashAsync(tenant.Client, response.AuditEventId!);
        Assert.Equal(response.RequestSha256, recorded);
    }

    [Theory]
    [InlineData("paging.next_cursor")]
    [InlineData("rate_limit.remaining")]
    [InlineData("paging (removed)")]
    public async Task Proxy_RejectsAnAnswer_WhoseExtrasWereChangedOnTheWay(string what)
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var integrationId = await OktaIntegrationAsync(tenant.Client);
        using var tamper = new AnswerRewriter(body =>
        {
            var root = JsonNode.Parse(body)!.AsObject();
            switch (what)
            {
                case "paging.next_cursor": root["paging"]!["next_cursor"] = "00u-chosen-by-the-attacker"; break;
                case "rate_limit.remaining": root["rate_limit"]!["remaining"] = "100000"; break;
                case "paging (removed)": root.Remove("paging"); break;
            }

            return root.ToJsonString();
        });
        var client = Client(tenant, tamper);

        var ex = await Assert.ThrowsAsync<EnvelopeVerificationException>(() => client.ProxyAsync(integrationId, "list_users", new { limit = 2 }, cancellationToken: Ct));

        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public async Task Proxy_RejectsAnUpstreamError_WhoseErrorWasChangedOnTheWay_AndReadsTheSignedOneOtherwise()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var integrationId = await Auth0IntegrationAsync(tenant.Client);
        using var tamper = new AnswerRewriter(body =>
        {
            var root = JsonNode.Parse(body)!.AsObject();
            root["error"]!["message"] = "Please re-enter your credentials at https://attacker.example";
            return root.ToJsonString();
        });

        var untouched = await tenant.Client.ProxyAsync(integrationId, "get_user", new { user_id = "auth0|nobody" }, cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<EnvelopeVerificationException>(
            () => Client(tenant, tamper).ProxyAsync(integrationId, "get_user", new { user_id = "auth0|nobody" }, cancellationToken: Ct));

        Assert.False(untouched.Success);
        Assert.Equal(HttpStatusCode.BadGateway, (HttpStatusCode)untouched.StatusCode);
        Assert.Equal(untouched.Verified!.Error!.Type, untouched.ErrorType);
        Assert.Equal(404, untouched.UpstreamStatus);
        Assert.Equal(EnvelopeRejectionReason.SignatureInvalid, ex.Reason);
    }

    [Fact]
    public async Task Proxy_RejectsAnAnswerToAnotherRequest()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var integrationId = await OktaIntegrationAsync(tenant.Client);
        string? answerToA = null;
        using var recorder = new AnswerRewriter(body => answerToA = body);
        await Client(tenant, recorder).ProxyAsync(integrationId, "list_users", new { limit = 1 }, cancellationToken: Ct);
        using var replay = new AnswerRewriter(_ => answerToA!);

        // Request B gets request A's genuine, correctly signed answer.
        var ex = await Assert.ThrowsAsync<EnvelopeVerificationException>(
            () => Client(tenant, replay).ProxyAsync(integrationId, "list_users", new { limit = 2 }, cancellationToken: Ct));

        Assert.Equal(EnvelopeRejectionReason.RequestMismatch, ex.Reason);
    }

    [Fact]
    public async Task Proxy_RejectsAnAnswerOlderThanTheWindow()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var integrationId = await OktaIntegrationAsync(tenant.Client);
        var keys = await tenant.Client.GetKeysAsync(Ct);
        // The client's clock reads an hour later than the server's: the genuine answer is an hour old when it arrives.
        using var lateOpener = new SdkEncryption(keys.SigningPublicKeysById(), tenant.Created.HmacKey, tenant.Recipient, tenant.Created.TenantId)
        {
            MaxAge = TimeSpan.FromMinutes(5),
            TimeProvider = new ShiftedClock(TimeSpan.FromHours(1)),
        };
        var client = new QuantaSealClient(fixture.Server.Http(), tenant.Created.ApiKey) { Encryption = lateOpener };

        var ex = await Assert.ThrowsAsync<EnvelopeVerificationException>(() => client.ProxyAsync(integrationId, "list_users", new { limit = 1 }, cancellationToken: Ct));

        Assert.Equal(EnvelopeRejectionReason.OutsideTimeWindow, ex.Reason);
    }

    [Fact]
    public async Task Echo_IsBoundToThePayloadSent_AndItsRequestHashIsTheOneTheAuditEventRecords()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        var expectedHash = EnvelopeRequestHash.ForEcho("""{"ping":1}""");

        var envelope = await tenant.Client.EchoAsync(new { ping = 1 }, cancellationToken: Ct);
        var opened = tenant.Opener.Open(envelope, tenant.Opener.Expectations(expectedHash));

        Assert.Equal(2, envelope.Version);
        Assert.Equal(expectedHash, opened.Verified.RequestSha256);
        Assert.Equal("""{"ping":1}""", Encoding.UTF8.GetString(opened.Plaintext));
        Assert.Equal(expectedHash, await AuditedRequestHashAsync(tenant.Client, envelope.AuditEventId));
    }

    [Fact]
    public async Task Echo_RejectsAnAnswerToAnotherEcho()
    {
        using var tenant = await fixture.NewTenantAsync(Ct);
        string? answerToA = null;
        using var recorder = new AnswerRewriter(body => answerToA = body, "/envelopes/echo");
        await Client(tenant, recorder).EchoAsync(new { ping = "a" }, cancellationToken: Ct);
        using var replay = new AnswerRewriter(_ => answerToA!, "/envelopes/echo");

        // Echo B gets echo A's genuine, correctly signed answer: it would "prove" keys against a payload never sent.
        var ex = await Assert.ThrowsAsync<EnvelopeVerificationException>(
            () => Client(tenant, replay).EchoAsync(new { ping = "b" }, cancellationToken: Ct));

        Assert.Equal(EnvelopeRejectionReason.RequestMismatch, ex.Reason);
    }

    private QuantaSealClient Client(SdkTenant tenant, AnswerRewriter rewriter) =>
        new(fixture.Server.CreateDefaultClient(fixture.Server.ClientOptions.BaseAddress, rewriter), tenant.Created.ApiKey) { Encryption = tenant.Opener };

    private async Task<string> OktaIntegrationAsync(QuantaSealClient sdk)
    {
        var credential = await sdk.SealCredentialAsync("api_key", new { api_token = fixture.Okta.ApiToken }, cancellationToken: Ct);
        return (await sdk.CreateIntegrationAsync("okta", "okta", fixture.Okta.BaseUri.AbsoluteUri.TrimEnd('/'), credential.CredentialId, ["list_users"], Ct)).IntegrationId;
    }

    private async Task<string> Auth0IntegrationAsync(QuantaSealClient sdk)
    {
        var credential = await sdk.SealCredentialAsync(
            "oauth2_client", new { client_id = fixture.Auth0.ClientId, client_secret = fixture.Auth0.ClientSecret, audience = fixture.Auth0.Audience }, "auth0-m2m", Ct);
        return (await sdk.CreateIntegrationAsync("auth0", "acme", fixture.Auth0.BaseUri.AbsoluteUri.TrimEnd('/'), credential.CredentialId, ["get_user"], Ct)).IntegrationId;
    }

    private static async Task<string?> AuditedRequestHashAsync(QuantaSealClient sdk, string eventId)
    {
        string? recorded = null;
        await WaitUntil.TrueAsync(
            async () =>
            {
                try
                {
                    recorded = (await sdk.GetAuditEventAsync(eventId, Ct)).Event.RequestSha256;
                    return true;
                }
                catch (QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            () => $"audit event {eventId} in the chain",
            Ct);
        return recorded;
    }

    /// <summary>Stands between the SDK and the server and rewrites one endpoint's answer body (a man in the middle, or a cache).</summary>
    private sealed class AnswerRewriter(Func<string, string> rewrite, string path = "/proxy/outbound") : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri?.AbsolutePath.EndsWith(path, StringComparison.Ordinal) != true)
            {
                return response;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "application/json";
            response.Content = new StringContent(rewrite(body), Encoding.UTF8, mediaType);
            return response;
        }
    }

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
