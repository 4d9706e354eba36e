using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using QuantaSeal.Client;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Server.Tests.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Proxy;

/// <summary>
/// DESIGN §7: if the intent of a write cannot be recorded, the write does not happen (503). The emulator's request
/// log is the proof that the upstream never saw it, so a caller that retries the 503 cannot make it happen twice.
/// </summary>
public sealed class ProxyWriteAuditOutageTests : IAsyncLifetime
{
    private readonly QuantaSealServer _server = new("memory", settings: new Dictionary<string, string?>
    {
        ["QuantaSeal:UpstreamAllow:0"] = "http://127.0.0.1:*",
    });

    private readonly UnavailableAuditPublisher _publisher = new();
    private WebApplicationFactory<Program> _app = null!;
    private Uri _baseAddress = null!;
    private Auth0Emulator _auth0 = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = _server.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IAuditPublisher>(_publisher)));
        _app.UseKestrel(0);
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _baseAddress = new Uri(address);
        _auth0 = await Auth0Emulator.StartAsync(cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _auth0.DisposeAsync();
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Write_WhenItsIntentCannotBeRecorded_Is503_AndNeverReachesTheUpstream()
    {
        using var http = new HttpClient { BaseAddress = _baseAddress };
        var tenant = await new QuantaSealClient(http).CreateTenantAsync(_server.OperatorKey, "write-outage", cancellationToken: Ct);
        var sdk = new QuantaSealClient(http, tenant.ApiKey);
        using var recipient = MlKem768KeyPair.Generate();
        await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        var (_, integrationId) = await sdk.AddAuth0IntegrationAsync(_auth0, "w", ["get_users", "delete_user"], Ct);

        // The token is warm, so the only request the write could cause is the DELETE itself.
        Assert.True((await sdk.ProxyAsync(integrationId, "get_users", new { per_page = 1 }, cancellationToken: Ct)).Success);
        _auth0.ClearRequests();
        _publisher.TakeDown(tenant.TenantId);

        using var response = await http.SendProxyAsync(tenant.ApiKey, integrationId, "delete_user", new { user_id = "auth0|kept" }, Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("https://quantaseal.dev/problems/audit-unavailable", body.GetProperty("type").GetString());
        Assert.False(body.TryGetProperty("audit_event_id", out _));
        Assert.DoesNotContain(_auth0.Requests, r => r.IsManagementRequest);
    }
}
