using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using QuantaSeal.Client;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

public sealed class TenantApiTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QuantaSealServer Server => fixture.Server;

    private async Task<QuantaSeal.Client.Tenants.TenantCreation> NewTenantAsync(string name = "acme") =>
        await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, name, cancellationToken: Ct);

    [Fact]
    public async Task CreateTenant_WithOperatorKey_ReturnsIdsKeysAndSecretsOnce()
    {
        using var http = Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/tenants") { Content = JsonContent.Create(new { name = "acme" }) };
        request.Headers.Add("X-Operator-Key", Server.OperatorKey);

        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.StartsWith("ten_", body.GetProperty("tenant_id").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("qs_live_", body.GetProperty("api_key").GetString(), StringComparison.Ordinal);
        Assert.Equal(64, Convert.FromBase64String(body.GetProperty("hmac_key").GetString()!).Length);
        var signing = body.GetProperty("signing_key");
        Assert.StartsWith("sk_", signing.GetProperty("key_id").GetString(), StringComparison.Ordinal);
        Assert.Equal("ML-DSA-65", signing.GetProperty("algorithm").GetString());
        Assert.Equal(1952, Convert.FromBase64String(signing.GetProperty("public_key").GetString()!).Length);

        // The secrets are not shown again: the tenant description and key list hold none of them.
        var sdk = Server.Sdk(body.GetProperty("api_key").GetString());
        var tenantJson = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v2/tenant") { Headers = { { "X-API-Key", body.GetProperty("api_key").GetString() } } }, Ct);
        var text = await tenantJson.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, tenantJson.StatusCode);
        Assert.DoesNotContain(body.GetProperty("api_key").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(body.GetProperty("hmac_key").GetString()!, text, StringComparison.Ordinal);
        var keys = await sdk.ListApiKeysAsync(Ct);
        Assert.Single(keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("qs_op_wrong")]
    public async Task CreateTenant_WithoutTheOperatorKey_Is401Problem(string? operatorKey)
    {
        using var http = Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/tenants") { Content = JsonContent.Create(new { name = "x" }) };
        if (operatorKey is not null)
        {
            request.Headers.Add("X-Operator-Key", operatorKey);
        }

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Keys_ListSigningKeysAndRecipientKeys_AndRotationKeepsTheOldKey()
    {
        var tenant = await NewTenantAsync();
        var sdk = Server.Sdk(tenant.ApiKey);
        using var recipient = MlKem768KeyPair.Generate();

        var registered = await sdk.RegisterRecipientKeyAsync(recipient, "laptop", Ct);
        var rotation = await sdk.RotateSigningKeyAsync(cancellationToken: Ct);
        var keys = await sdk.GetKeysAsync(Ct);

        Assert.StartsWith("rk_", registered.RecipientKeyId, StringComparison.Ordinal);
        Assert.Equal(recipient.PublicKey, keys.RecipientKeys.Single().PublicKey);
        Assert.Equal(rotation.SigningKey.KeyId, keys.CurrentSigningKeyId);
        Assert.Equal(tenant.SigningKey.KeyId, rotation.RetiredKey.KeyId);
        Assert.Equal(tenant.SigningKey.PublicKey, keys.SigningPublicKeysById()[tenant.SigningKey.KeyId]);
        Assert.Equal("retired", keys.SigningKeys.Single(k => k.KeyId == tenant.SigningKey.KeyId).Status);
        Assert.Null(rotation.HmacKey);
    }

    [Fact]
    public async Task ScopedKeys_ProxyKeyCannotAdminister_AndRevokedKeyIs401()
    {
        var tenant = await NewTenantAsync();
        var admin = Server.Sdk(tenant.ApiKey);
        var proxyKey = await admin.CreateApiKeyAsync("svc", ["proxy"], "test", Ct);
        var proxy = Server.Sdk(proxyKey.ApiKey);

        Assert.StartsWith("qs_test_", proxyKey.ApiKey, StringComparison.Ordinal);
        var forbidden = await Assert.ThrowsAsync<QuantaSealApiException>(() => proxy.CreateApiKeyAsync("escalate", ["admin"], cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.NotNull(await proxy.GetKeysAsync(Ct));

        var listed = await admin.ListApiKeysAsync(Ct);
        Assert.Equal(2, listed.Count);
        await admin.RevokeApiKeyAsync(proxyKey.ApiKeyId, Ct);
        var revoked = await Assert.ThrowsAsync<QuantaSealApiException>(() => proxy.GetKeysAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.NotNull((await admin.ListApiKeysAsync(Ct)).Single(k => k.ApiKeyId == proxyKey.ApiKeyId).RevokedAt);
    }

    [Fact]
    public async Task TenantIsolation_AnotherTenantsObjectsAre404_AndUntouched()
    {
        var a = await NewTenantAsync("a");
        var b = await NewTenantAsync("b");
        var adminA = Server.Sdk(a.ApiKey);
        var adminB = Server.Sdk(b.ApiKey);
        using var recipient = MlKem768KeyPair.Generate();
        var recipientA = await adminA.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);

        var revokeKey = await Assert.ThrowsAsync<QuantaSealApiException>(() => adminB.RevokeApiKeyAsync(a.ApiKeyId, Ct));
        var revokeRecipient = await Assert.ThrowsAsync<QuantaSealApiException>(() => adminB.RevokeRecipientKeyAsync(recipientA.RecipientKeyId, Ct));
        var keysB = await adminB.GetKeysAsync(Ct);

        Assert.Equal(HttpStatusCode.NotFound, revokeKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokeRecipient.StatusCode);
        Assert.Empty(keysB.RecipientKeys);
        Assert.DoesNotContain(keysB.SigningKeys, k => k.KeyId == a.SigningKey.KeyId);
        Assert.Equal(b.TenantId, (await adminB.GetTenantAsync(Ct)).TenantId);
        Assert.Equal(a.TenantId, (await adminA.GetTenantAsync(Ct)).TenantId);
        Assert.Equal("active", (await adminA.GetKeysAsync(Ct)).RecipientKeys.Single().Status);
        Assert.Null((await adminA.ListApiKeysAsync(Ct)).Single().RevokedAt);
    }
}
