using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// Fail closed (DESIGN §7): when the audit event cannot be recorded the request is refused with 503, and the caller
/// gets no data and no audit_event_id, whether the action returns data, changes something or is itself a refusal.
/// </summary>
public sealed class AuditOutageTests : IAsyncLifetime
{
    private readonly QuantaSealServer _server = new("memory");
    private readonly UnavailableAuditPublisher _publisher = new();
    private WebApplicationFactory<Program> _app = null!;
    private Uri _baseAddress = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        // The fixture's own settings (ports, key files) plus a publisher that can be taken down per tenant.
        _app = _server.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IAuditPublisher>(_publisher)));
        _app.UseKestrel(0);
        _app.StartServer();

        // The derived factory runs on Kestrel but has no client of its own: talk to the address it listens on.
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _baseAddress = new Uri(address);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Echo_WhenTheAuditIsDown_Is503_WithNoEnvelopeAndNoEventId()
    {
        var tenant = await DownTenantAsync(withRecipientKey: true);

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v2/tenant/envelopes/echo", tenant.ApiKey, "{\"payload\":{\"secret\":\"s\"}}");

        AssertRefused(status, body);
    }

    [Fact]
    public async Task Unseal_WhenTheAuditIsDown_Is503_WithNoEnvelopeAndNoEventId()
    {
        var tenant = await DownTenantAsync(withRecipientKey: true, then: async sdk =>
            (await sdk.SealCredentialAsync("api_key", new { api_token = "tok-secret" }, cancellationToken: Ct)).CredentialId);

        var (status, body) = await SendAsync(HttpMethod.Post, $"/api/v2/vault/credentials/{tenant.Extra}/unseal", tenant.ApiKey, null);

        AssertRefused(status, body);
    }

    [Fact]
    public async Task ApiKeyCreation_WhenTheAuditIsDown_Is503_AndTheKeyIsNotHandedOut()
    {
        var tenant = await DownTenantAsync(withRecipientKey: false);

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v2/tenant/api-keys", tenant.ApiKey, "{\"name\":\"w\",\"scopes\":[\"proxy\"]}");

        AssertRefused(status, body);
        Assert.DoesNotContain("qs_live_", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_WhenTheAuditIsDown_Is503()
    {
        var tenant = await DownTenantAsync(withRecipientKey: false);

        var (status, body) = await SendAsync(HttpMethod.Delete, $"/api/v2/tenant/recipient-keys/rk_{Ulid.NewUlid()}", tenant.ApiKey, null);

        AssertRefused(status, body);
    }

    [Fact]
    public async Task IntegrationCreate_WhenTheAuditIsDown_Is503_AndLeavesNothingBehind()
    {
        var tenant = await DownTenantAsync(withRecipientKey: false, then: async sdk =>
            (await sdk.SealCredentialAsync("api_key", new { api_token = "tok-secret" }, cancellationToken: Ct)).CredentialId);
        var credentialId = tenant.Extra!;

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v2/integrations", tenant.ApiKey,
            $"{{\"system_type\":\"okta\",\"name\":\"o\",\"domain\":\"acme.okta.com\",\"credential_id\":\"{credentialId}\",\"allowed_operations\":[\"list_users\"]}}");
        _publisher.BringUp(tenant.TenantId);
        var (_, integrations) = await SendAsync(HttpMethod.Get, "/api/v2/integrations", tenant.ApiKey, null);
        var (_, credential) = await SendAsync(HttpMethod.Get, $"/api/v2/vault/credentials/{credentialId}", tenant.ApiKey, null);
        var (deleted, _) = await SendAsync(HttpMethod.Delete, $"/api/v2/vault/credentials/{credentialId}", tenant.ApiKey, null);

        // The refused create changed nothing: no integration lives on unaudited, and the credential is free again.
        AssertRefused(status, body);
        Assert.Equal(0, integrations.GetProperty("data").GetArrayLength());
        Assert.Equal(0, credential.GetProperty("used_by").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, deleted);
    }

    private static void AssertRefused(HttpStatusCode status, JsonElement body)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("https://quantaseal.dev/problems/audit-unavailable", body.GetProperty("type").GetString());
        Assert.False(body.TryGetProperty("audit_event_id", out _));
        Assert.False(body.TryGetProperty("encrypted", out _));
        Assert.False(body.TryGetProperty("signature", out _));
    }

    private async Task<(string TenantId, string ApiKey, string? Extra)> DownTenantAsync(bool withRecipientKey, Func<QuantaSeal.Client.QuantaSealClient, Task<string>>? then = null)
    {
        using var http = Client();
        var tenant = await new QuantaSeal.Client.QuantaSealClient(http).CreateTenantAsync(_server.OperatorKey, "outage", cancellationToken: Ct);
        using var adminHttp = Client();
        var sdk = new QuantaSeal.Client.QuantaSealClient(adminHttp, tenant.ApiKey);
        if (withRecipientKey)
        {
            using var recipient = MlKem768KeyPair.Generate();
            await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        }

        var extra = then is null ? null : await then(sdk);
        _publisher.TakeDown(tenant.TenantId);
        return (tenant.TenantId, tenant.ApiKey, extra);
    }

    private HttpClient Client() => new() { BaseAddress = _baseAddress };

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string apiKey, string? json)
    {
        using var http = Client();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
