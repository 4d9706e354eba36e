using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

public sealed class BadInputTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QuantaSealServer Server => fixture.Server;

    private async Task<(string Key, HttpClient Http)> AdminAsync()
    {
        var tenant = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "bad-input", cancellationToken: Ct);
        return (tenant.ApiKey, Server.Http());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Problem, string? MediaType)> PostAsync(HttpClient http, string path, string apiKey, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var problem = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (response.StatusCode, problem, response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<int> ApiKeyCountAsync(HttpClient http, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/tenant/api-keys");
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.GetProperty("data").GetArrayLength();
    }

    [Theory]
    [InlineData("{\"name\":", "malformed-json", null)]
    [InlineData("[1,2]", "malformed-json", null)]
    [InlineData("{\"scopes\":[\"proxy\"]}", "validation-failed", "name")]
    [InlineData("{\"name\":\"svc\"}", "validation-failed", "scopes")]
    [InlineData("{\"name\":5,\"scopes\":[\"proxy\"]}", "malformed-json", "name")]
    [InlineData("{\"name\":\"svc\",\"scopes\":\"proxy\"}", "malformed-json", "scopes")]
    [InlineData("{\"name\":\"svc\",\"scopes\":[\"root\"]}", "validation-failed", "scopes")]
    [InlineData("{\"name\":\"svc\",\"scopes\":[\"proxy\"],\"environment\":\"prod\"}", "validation-failed", "environment")]
    [InlineData("{\"name\":\"svc\",\"scopes\":[\"proxy\"],\"is_admin\":true}", "malformed-json", "is_admin")]
    [InlineData("{\"name\":\"\\u0001svc\",\"scopes\":[\"proxy\"]}", "validation-failed", "name")]
    public async Task CreateApiKey_BadBody_Is400NamingTheField_AndChangesNothing(string body, string problemType, string? field)
    {
        var (key, http) = await AdminAsync();
        var before = await ApiKeyCountAsync(http, key);

        var (status, problem, mediaType) = await PostAsync(http, "/api/v2/tenant/api-keys", key, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.EndsWith("/" + problemType, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await ApiKeyCountAsync(http, key));
    }

    [Theory]
    [InlineData("{\"public_key\":\"not base64!\"}", "public_key")]
    [InlineData("{\"public_key\":\"AAAA\"}", "public_key")]
    [InlineData("{\"label\":\"x\"}", "public_key")]
    public async Task RegisterRecipientKey_BadKey_Is400NamingTheField(string body, string field)
    {
        var (key, http) = await AdminAsync();

        var (status, problem, _) = await PostAsync(http, "/api/v2/tenant/recipient-keys", key, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task OversizedBody_Is413_AndChangesNothing()
    {
        var (key, http) = await AdminAsync();
        var before = await ApiKeyCountAsync(http, key);
        var body = "{\"name\":\"" + new string('a', 300 * 1024) + "\",\"scopes\":[\"proxy\"]}";

        var (status, problem, mediaType) = await PostAsync(http, "/api/v2/tenant/api-keys", key, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.EndsWith("/payload-too-large", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await ApiKeyCountAsync(http, key));
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var (key, http) = await AdminAsync();

        var (status, _, mediaType) = await PostAsync(http, "/api/v2/tenant/api-keys", key, "name=svc", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("qs_live_nonsense")]
    [InlineData("qs_live_01JABCDEFGHJKMNPQRSTVWXYZ0_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task MissingMalformedOrUnknownKey_Is401Problem(string? apiKey)
    {
        using var http = Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/tenant/keys");
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("X-API-Key", apiKey);
        }

        using var response = await http.SendAsync(request, Ct);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/unauthenticated", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_IsProblemJson()
    {
        var (key, http) = await AdminAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/tenant/nope");
        request.Headers.Add("X-API-Key", key);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
