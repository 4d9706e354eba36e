using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

public sealed class EnvelopeEchoTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> EchoAsync(HttpClient http, string apiKey, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/tenant/envelopes/echo") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-API-Key", apiKey);
        return await http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Echo_SealsWithTheTenantsPublishedKeys_AndOpensWithTheClientsRecipientKey()
    {
        var server = fixture.Server;
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "echo", cancellationToken: Ct);
        var sdk = server.Sdk(tenant.ApiKey);
        using var recipient = MlKem768KeyPair.Generate();
        var registered = await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        using var http = server.Http();

        using var response = await EchoAsync(http, tenant.ApiKey, new { payload = new { hello = "world", n = 42 } });
        var envelope = HybridEnvelope.FromJson(await response.Content.ReadAsStringAsync(Ct));
        var keys = await sdk.GetKeysAsync(Ct);
        var plaintext = HybridEnvelopeOpener.Open(envelope, new EnvelopeOpenKeys(keys.SigningPublicKeysById(), tenant.HmacKey, recipient, tenant.TenantId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(registered.RecipientKeyId, envelope.Encrypted.RecipientKeyId);
        Assert.Equal(tenant.SigningKey.KeyId, envelope.Signature.KeyId);
        Assert.Equal("{\"hello\":\"world\",\"n\":42}", Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public async Task Echo_AfterRotation_IsSignedWithTheNewKey_AndTheOldHmacStillApplies()
    {
        var server = fixture.Server;
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "echo-rotate", cancellationToken: Ct);
        var sdk = server.Sdk(tenant.ApiKey);
        using var recipient = MlKem768KeyPair.Generate();
        await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        using var http = server.Http();
        using var before = await EchoAsync(http, tenant.ApiKey, new { payload = 1 });

        var rotation = await sdk.RotateSigningKeyAsync(cancellationToken: Ct);
        using var after = await EchoAsync(http, tenant.ApiKey, new { payload = 2 });
        var envelope = HybridEnvelope.FromJson(await after.Content.ReadAsStringAsync(Ct));
        var keys = (await sdk.GetKeysAsync(Ct)).SigningPublicKeysById();

        Assert.Equal(rotation.SigningKey.KeyId, envelope.Signature.KeyId);
        Assert.Equal("2"u8.ToArray(), HybridEnvelopeOpener.Open(envelope, new EnvelopeOpenKeys(keys, tenant.HmacKey, recipient)));
        Assert.Equal("1"u8.ToArray(), HybridEnvelopeOpener.Open(HybridEnvelope.FromJson(await before.Content.ReadAsStringAsync(Ct)), new EnvelopeOpenKeys(keys, tenant.HmacKey, recipient)));
    }

    [Fact]
    public async Task Echo_WithoutARecipientKey_Is409Problem()
    {
        var server = fixture.Server;
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "echo-none", cancellationToken: Ct);
        using var http = server.Http();

        using var response = await EchoAsync(http, tenant.ApiKey, new { payload = 1 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Echo_ToAnotherTenantsRecipientKey_IsRefused()
    {
        var server = fixture.Server;
        var a = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "a", cancellationToken: Ct);
        var b = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "b", cancellationToken: Ct);
        using var recipient = MlKem768KeyPair.Generate();
        var keyOfA = await server.Sdk(a.ApiKey).RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        using var http = server.Http();

        using var response = await EchoAsync(http, b.ApiKey, new { payload = 1, recipient_key_id = keyOfA.RecipientKeyId });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }
}
