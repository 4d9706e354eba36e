using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Server.Tests.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>Issue 13 findings 3, 4 and 5: hostile bodies and ids, each answered without a 500 and without an oracle.</summary>
public sealed class HostileInputTests(EmulatorServerFixture fixture) : IClassFixture<EmulatorServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string Body)> SendRawAsync(HttpMethod method, string path, string apiKey, byte[]? body, bool chunked = false)
    {
        using var http = fixture.Server.Http();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is not null)
        {
            request.Content = chunked ? new StreamContent(new NoLengthStream(body)) : new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>JSON text with a raw invalid UTF-8 byte (0xFF) where the marker <c>@BAD@</c> is.</summary>
    private static byte[] WithInvalidUtf8(string json)
    {
        var parts = json.Split("@BAD@");
        return [.. Encoding.UTF8.GetBytes(parts[0]), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(parts[1])];
    }

    public static TheoryData<string, string, string, bool> BadTextBodies => new()
    {
        { "/api/v2/vault/seal", "{\"credential_type\":\"oauth2_client\",\"values\":{\"client_id\":\"c\",\"client_secret\":\"\\ud800x\"}}", "values.client_secret", false },
        { "/api/v2/vault/seal", "{\"credential_type\":\"oauth2_client\",\"values\":{\"client_id\":\"c\",\"client_secret\":\"a@BAD@b\"}}", "values.client_secret", true },
        { "/api/v2/vault/seal", "{\"credential_type\":\"oauth2_client\",\"values\":{\"client_id\":\"c\",\"client_secret\":\"s\",\"scopes\":[\"ok\",\"\\udc00\"]}}", "values.scopes[1]", false },
        { "/api/v2/proxy/outbound", "{\"integration_id\":\"int_01JAAAAAAAAAAAAAAAAAAAAAAA\",\"operation\":\"get_users\",\"payload\":{\"q\":\"\\udfff\"}}", "payload.q", false },
        { "/api/v2/proxy/outbound", "{\"integration_id\":\"int_01JAAAAAAAAAAAAAAAAAAAAAAA\",\"operation\":\"create_user\",\"payload\":{\"email\":\"x@BAD@y\"}}", "payload.email", true },
        { "/api/v2/tenant/envelopes/echo", "{\"payload\":{\"note\":\"\\ud83d\"}}", "payload.note", false },
        { "/api/v2/tenant/envelopes/echo", "{\"payload\":[\"ok\",{\"deep\":\"@BAD@\"}]}", "payload[1].deep", true },
    };

    [Theory]
    [MemberData(nameof(BadTextBodies))]
    public async Task InvalidUnicode_Is400NamingTheField_AndAuditedAsDenied(string path, string json, string field, bool rawBytes)
    {
        var session = await fixture.NewTenantAsync(Ct);
        var trail = new AuditTrail(fixture.Server);
        var before = (await trail.SettledAsync(session.Tenant.TenantId, session.Tenant.ApiKey, 4, Ct)).Count;
        var body = rawBytes ? WithInvalidUtf8(json) : Encoding.UTF8.GetBytes(json);

        var (status, text) = await SendRawAsync(HttpMethod.Post, path, session.Tenant.ApiKey, body);
        var problem = JsonDocument.Parse(text).RootElement;
        var events = await trail.SettledAsync(session.Tenant.TenantId, session.Tenant.ApiKey, before + 1, Ct);
        var (_, stored) = await SendRawAsync(HttpMethod.Get, "/api/v2/vault/credentials", session.Tenant.ApiKey, null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("https://quantaseal.dev/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(AuditOutcomes.Denied, Assert.Single(events.Skip(before)).Outcome);
        Assert.Equal(0, JsonDocument.Parse(stored).RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ValidSurrogatePairs_AreStillAccepted()
    {
        var session = await fixture.NewTenantAsync(Ct);

        var (status, _) = await SendRawAsync(HttpMethod.Post, "/api/v2/tenant/envelopes/echo", session.Tenant.ApiKey, Encoding.UTF8.GetBytes("{\"payload\":{\"note\":\"\\ud83d\\ude00 \u00e9\"}}"));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    public static TheoryData<string, string> ObjectPaths => new()
    {
        { "GET", "/api/v2/vault/credentials/{cred}" },
        { "PUT", "/api/v2/vault/credentials/{cred}" },
        { "DELETE", "/api/v2/vault/credentials/{cred}" },
        { "POST", "/api/v2/vault/credentials/{cred}/unseal" },
        { "GET", "/api/v2/integrations/{int}" },
        { "DELETE", "/api/v2/integrations/{int}" },
    };

    /// <summary>Finding 4: another tenant's id and an id that exists nowhere get the same bytes (trace id aside).</summary>
    [Theory]
    [MemberData(nameof(ObjectPaths))]
    public async Task AnotherTenantsId_AndANonExistentId_GetByteIdentical404s(string method, string template)
    {
        var owner = await fixture.NewTenantAsync(Ct);
        var stranger = await fixture.NewTenantAsync(Ct);
        var credential = await owner.Sdk.SealCredentialAsync("api_key", new { api_token = "t-" + Guid.NewGuid().ToString("N") }, cancellationToken: Ct);
        var integration = await owner.Sdk.CreateIntegrationAsync("okta", "o", fixture.Okta.BaseUri.ToString().TrimEnd('/'), credential.CredentialId, ["list_users"], Ct);
        var missingCredential = "cred_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        var missingIntegration = "int_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        var body = method == "PUT" ? Encoding.UTF8.GetBytes("{\"values\":{\"api_token\":\"x\"}}") : method == "POST" ? Encoding.UTF8.GetBytes("{}") : null;

        var (otherStatus, otherBody) = await SendRawAsync(new HttpMethod(method), template.Replace("{cred}", credential.CredentialId, StringComparison.Ordinal).Replace("{int}", integration.IntegrationId, StringComparison.Ordinal), stranger.Tenant.ApiKey, body);
        var (missingStatus, missingBody) = await SendRawAsync(new HttpMethod(method), template.Replace("{cred}", missingCredential, StringComparison.Ordinal).Replace("{int}", missingIntegration, StringComparison.Ordinal), stranger.Tenant.ApiKey, body);

        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal(WithoutTraceId(missingBody), WithoutTraceId(otherBody));
    }

    /// <summary>
    /// Finding 5: a chunked body (no Content-Length) names the recipient key just like a sized one. A key id that is
    /// not the tenant's must be refused, not silently replaced by the default key.
    /// </summary>
    [Fact]
    public async Task Unseal_WithAChunkedBody_HonoursRecipientKeyId()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = "t" }, cancellationToken: Ct);
        var body = Encoding.UTF8.GetBytes("{\"recipient_key_id\":\"rk_01JZZZZZZZZZZZZZZZZZZZZZZZ\"}");

        var (status, problem) = await SendRawAsync(HttpMethod.Post, $"/api/v2/vault/credentials/{credential.CredentialId}/unseal", session.Tenant.ApiKey, body, chunked: true);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("https://quantaseal.dev/problems/no-recipient-key", JsonDocument.Parse(problem).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Unseal_WithAChunkedBody_SealsToTheNamedKey()
    {
        var session = await fixture.NewTenantAsync(Ct);
        var first = Assert.Single((await session.Sdk.GetKeysAsync(Ct)).RecipientKeys);
        var credential = await session.Sdk.SealCredentialAsync("api_key", new { api_token = "t" }, cancellationToken: Ct);
        var body = Encoding.UTF8.GetBytes($"{{\"recipient_key_id\":\"{first.RecipientKeyId}\"}}");

        var (status, envelope) = await SendRawAsync(HttpMethod.Post, $"/api/v2/vault/credentials/{credential.CredentialId}/unseal", session.Tenant.ApiKey, body, chunked: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.RecipientKeyId, JsonDocument.Parse(envelope).RootElement.GetProperty("encrypted").GetProperty("recipient_key_id").GetString());
    }

    private static string WithoutTraceId(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("traceId");
        node.Remove("trace_id");
        node.Remove("audit_event_id");
        return node.ToJsonString();
    }

    /// <summary>A readable stream with no known length, so HttpClient sends it chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
