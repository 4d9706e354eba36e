using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>
/// Issue 13 finding 10, on the wire: the proxy answers with an envelope v2 whose <c>request_sha256</c> is the hash of
/// the request exactly as it arrived and whose <c>paging</c>, <c>rate_limit</c> and <c>error</c> are the signed ones; the
/// problem document of an upstream failure carries the same members; the echo and the unseal are v2 too, each bound to its own request.
/// </summary>
public sealed class ProxyEnvelopeV2Tests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_AnswersV2_BoundToTheRequestTextAsSent_WithPagingAndRateLimitSigned()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var integrationId = await OktaIntegrationAsync(session);
        // Odd spacing on purpose: the hash covers the payload's text as sent, not a re-serialisation of it.
        const string PayloadText = "{ \"limit\" :  2 }";

        var (status, body) = await PostProxyAsync(session, $$"""{"integration_id":"{{integrationId}}","operation":"list_users","payload":{{PayloadText}}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(2, (int)root["version"]!);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{integrationId}\nlist_users\n{PayloadText}")));
        Assert.Equal(expectedHash, (string)root["request_sha256"]!);
        var verified = session.Opener.Verify(HybridEnvelope.FromJson(body), session.Opener.Expectations(expectedHash));
        Assert.Equal((string)root["paging"]!["next_cursor"]!, verified.NextCursor);
        Assert.NotNull(verified.RateLimit);
    }

    [Fact]
    public async Task UpstreamFailure_ProblemDocument_CarriesTheEnvelopeV2_WithItsSignedError()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var (_, integrationId) = await session.Sdk.AddAuth0IntegrationAsync(fixture.Auth0, "acme", ["get_user"], Ct);
        var request = $$$"""{"integration_id":"{{{integrationId}}}","operation":"get_user","payload":{"user_id":"auth0|nobody"}}""";

        var (status, body) = await PostProxyAsync(session, request);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var root = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(2, (int)root["version"]!);
        var verified = session.Opener.Verify(
            HybridEnvelope.FromJson(body),
            session.Opener.Expectations(EnvelopeRequestHash.ForProxy(integrationId, "get_user", """{"user_id":"auth0|nobody"}""")));
        Assert.False(verified.Success);
        Assert.Equal((string)root["error"]!["type"]!, verified.Error!.Type);
        Assert.Equal((string)root["error"]!["message"]!, verified.Error.Message);
        Assert.Equal(404, verified.Error.UpstreamStatus);
    }

    [Fact]
    public async Task Echo_AnswersV2_BoundToThePayloadTextAsSent_AndTheAuditEventRecordsTheSameHash()
    {
        var session = await fixture.NewTenantAsync(Ct);
        // Odd spacing on purpose, as for the proxy: the hash covers the payload's text as sent.
        const string PayloadText = "{ \"ping\" :  [1, 2] }";

        var (status, body) = await PostAsync(session, "/api/v2/tenant/envelopes/echo", $$"""{"payload":{{PayloadText}}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"envelope.echo\n{PayloadText}")));
        var opened = session.Opener.Open(HybridEnvelope.FromJson(body), session.Opener.Expectations(expectedHash));
        Assert.Equal("""{"ping":[1,2]}""", Encoding.UTF8.GetString(opened.Plaintext));
        Assert.Equal(expectedHash, await RecordedRequestHashAsync(session, opened.Verified.AuditEventId));
    }

    [Fact]
    public async Task Unseal_AnswersV2_BoundToTheCredentialId_AndTheAuditEventRecordsTheSameHash()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = "test-token-not-secret" }, cancellationToken: Ct);

        var (status, body) = await PostAsync(session, $"/api/v2/vault/credentials/{credential.CredentialId}/unseal", null);

        Assert.Equal(HttpStatusCode.OK, status);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"vault.unseal\n{credential.CredentialId}")));
        var opened = session.Opener.Open(HybridEnvelope.FromJson(body), session.Opener.Expectations(expectedHash));
        Assert.Equal(2, opened.Verified.Version);
        Assert.Contains("test-token-not-secret", Encoding.UTF8.GetString(opened.Plaintext), StringComparison.Ordinal);
        Assert.Equal(expectedHash, await RecordedRequestHashAsync(session, opened.Verified.AuditEventId));
        // Another credential's unseal answer does not pass for this one.
        var other = await session.Sdk.SealCredentialAsync("api_key", new { api_token = "other-token-not-secret" }, cancellationToken: Ct);
        var ex = Assert.Throws<EnvelopeVerificationException>(
            () => session.Opener.Verify(HybridEnvelope.FromJson(body), session.Opener.Expectations(EnvelopeRequestHash.ForUnseal(other.CredentialId))));
        Assert.Equal(EnvelopeRejectionReason.RequestMismatch, ex.Reason);
    }

    private static async Task<string?> RecordedRequestHashAsync(TenantSession session, string eventId)
    {
        string? recorded = null;
        await WaitUntil.TrueAsync(
            async () =>
            {
                try
                {
                    recorded = (await session.Sdk.GetAuditEventAsync(eventId, Ct)).Event.RequestSha256;
                    return true;
                }
                catch (QuantaSeal.Client.QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            () => $"audit event {eventId} in the chain",
            Ct);
        return recorded;
    }

    private async Task<string> OktaIntegrationAsync(TenantSession session)
    {
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = fixture.Okta.ApiToken }, cancellationToken: Ct);
        return (await session.Sdk.CreateIntegrationAsync("okta", "okta", fixture.Okta.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["list_users"], Ct)).IntegrationId;
    }

    private Task<(HttpStatusCode Status, string Body)> PostProxyAsync(TenantSession session, string json) => PostAsync(session, "/api/v2/proxy/outbound", json);

    /// <summary>Posts <paramref name="json"/> exactly as given (no body when null): the request hash covers the text sent.</summary>
    private async Task<(HttpStatusCode Status, string Body)> PostAsync(TenantSession session, string path, string? json)
    {
        using var http = fixture.Server.Http();
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        message.Headers.Add("X-API-Key", session.Tenant.ApiKey);
        using var response = await http.SendAsync(message, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
