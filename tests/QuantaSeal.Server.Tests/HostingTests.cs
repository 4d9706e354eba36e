using System.Net;
using System.Text.Json;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

public sealed class HostingTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoints_AreHealthy(string path)
    {
        using var http = fixture.Server.Http();

        using var response = await http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheTenantEndpoints()
    {
        using var http = fixture.Server.Http();

        var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var paths = doc.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/v2/tenants", out _));
        Assert.True(paths.TryGetProperty("/api/v2/tenant/keys", out _));
        Assert.True(paths.TryGetProperty("/api/v2/tenant/api-keys", out _));
        Assert.True(paths.TryGetProperty("/api/v2/tenant/recipient-keys", out _));
    }

    [Theory]
    [InlineData("/api/v2/tenant/keys", "get", "200")]
    [InlineData("/api/v2/tenant/api-keys", "post", "201")]
    [InlineData("/api/v2/vault/credentials/{credentialId}", "get", "200")]
    [InlineData("/api/v2/audit/verify", "get", "200")]
    public async Task OpenApiDocument_TakesResponseSchemas_FromTheHandlersTypedResults(string path, string method, string status)
    {
        using var http = fixture.Server.Http();

        var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var response = doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status);

        Assert.True(response.GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _));
    }

    [Fact]
    public async Task ApiReferencePage_IsServed()
    {
        using var http = fixture.Server.Http();

        using var response = await http.GetAsync("/scalar", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }
}
