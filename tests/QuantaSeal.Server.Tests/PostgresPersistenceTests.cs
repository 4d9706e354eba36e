using System.Net;
using System.Net.Http.Json;
using QuantaSeal.Client;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests;

/// <summary>The PostgreSQL deployment: separate processes on a fresh database that the server migrates itself.</summary>
public sealed class PostgresPersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<string> PostgresArgs(string connectionString, string dir, string role = "all") =>
    [
        "--storage", "postgres",
        "--connection-string", connectionString,
        "--role", role,
        .. ServerProcess.NodeArgs(dir),
        "--QuantaSeal:ClusterId=" + Path.GetFileName(dir),
    ];

    private static async Task<string> EchoAsync(ServerProcess server, string apiKey, object payload)
    {
        using var http = server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/tenant/envelopes/echo") { Content = JsonContent.Create(new { payload }) };
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task Restart_TenantsKeysAndApiKeysSurvive_AndStillWork()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dir = Directory.CreateTempSubdirectory("qs-pg-").FullName;
        var args = PostgresArgs(db.ConnectionString, dir);
        var port = ServerProcess.FreePort();
        using var recipient = MlKem768KeyPair.Generate();

        QuantaSeal.Client.Tenants.TenantCreation tenant;
        QuantaSeal.Client.Tenants.ApiKeyCreation proxyKey, revokedKey;
        QuantaSeal.Client.Tenants.TenantKeys keysBefore;
        string envelopeBefore;
        await using (var first = await ServerProcess.StartAsync(args, Ct, port))
        {
            var operatorKey = (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), Ct)).Trim();
            tenant = await first.Sdk(null).CreateTenantAsync(operatorKey, "durable", cancellationToken: Ct);
            var admin = first.Sdk(tenant.ApiKey);
            await admin.RegisterRecipientKeyAsync(recipient, "laptop", Ct);
            await admin.RotateSigningKeyAsync(cancellationToken: Ct);
            proxyKey = await admin.CreateApiKeyAsync("svc", ["proxy"], cancellationToken: Ct);
            revokedKey = await admin.CreateApiKeyAsync("old", ["audit:read"], cancellationToken: Ct);
            await admin.RevokeApiKeyAsync(revokedKey.ApiKeyId, Ct);
            keysBefore = await admin.GetKeysAsync(Ct);
            envelopeBefore = await EchoAsync(first, proxyKey.ApiKey, new { n = 1 });
            await first.StopAsync(Ct);
        }

        await using var second = await ServerProcess.StartAsync(args, Ct, port);
        var adminAfter = second.Sdk(tenant.ApiKey);
        var keysAfter = await adminAfter.GetKeysAsync(Ct);
        var apiKeys = await adminAfter.ListApiKeysAsync(Ct);
        var revoked = await Assert.ThrowsAsync<QuantaSealApiException>(() => second.Sdk(revokedKey.ApiKey).GetTenantAsync(Ct));
        var envelopeAfter = await EchoAsync(second, proxyKey.ApiKey, new { n = 2 });
        var open = new EnvelopeOpenKeys(keysAfter.SigningPublicKeysById(), tenant.HmacKey, recipient, tenant.TenantId);

        Assert.Equal(keysBefore.CurrentSigningKeyId, keysAfter.CurrentSigningKeyId);
        Assert.Equal(keysBefore.SigningKeys.Select(k => (k.KeyId, Convert.ToBase64String(k.PublicKey), k.Status)), keysAfter.SigningKeys.Select(k => (k.KeyId, Convert.ToBase64String(k.PublicKey), k.Status)));
        Assert.Equal(keysBefore.RecipientKeys.Single().RecipientKeyId, keysAfter.RecipientKeys.Single().RecipientKeyId);
        Assert.Equal(3, apiKeys.Count);
        Assert.NotNull(apiKeys.Single(k => k.ApiKeyId == revokedKey.ApiKeyId).RevokedAt);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal("{\"n\":1}"u8.ToArray(), HybridEnvelopeOpener.Open(HybridEnvelope.FromJson(envelopeBefore), open));
        Assert.Equal("{\"n\":2}"u8.ToArray(), HybridEnvelopeOpener.Open(HybridEnvelope.FromJson(envelopeAfter), open));
        Assert.Equal(keysAfter.CurrentSigningKeyId, HybridEnvelope.FromJson(envelopeAfter).Signature.KeyId);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("replaced")]
    public async Task LostOrSwappedMasterKey_RefusesToStart_AndNamesTheFix(string what)
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dir = Directory.CreateTempSubdirectory("qs-pg-").FullName;
        var args = PostgresArgs(db.ConnectionString, dir);
        var masterKeyFile = Path.Combine(dir, "master.key");
        await using (var first = await ServerProcess.StartAsync(args, Ct))
        {
            var operatorKey = (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), Ct)).Trim();
            await first.Sdk(null).CreateTenantAsync(operatorKey, "locked", cancellationToken: Ct);
            await first.StopAsync(Ct);
        }

        var original = (await File.ReadAllTextAsync(masterKeyFile, Ct)).Trim();
        File.Delete(masterKeyFile);
        string? replacement = null;
        if (what == "replaced")
        {
            replacement = QuantaSeal.Crypto.KeyWrap.LocalKeyWrapProvider.GenerateMasterKeyBase64();
            await File.WriteAllTextAsync(masterKeyFile, replacement, Ct);
            File.SetUnixFileMode(masterKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await using var second = ServerProcess.Launch(args);
        var exit = await second.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains("master key", second.Output, StringComparison.Ordinal);
        Assert.Contains(what == "missing" ? "does not exist" : "Configure the master key", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(original, second.Output, StringComparison.Ordinal);
        Assert.Equal(what == "replaced", File.Exists(masterKeyFile));
        if (replacement is not null)
        {
            Assert.DoesNotContain(replacement, second.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SiloAndFrontDoor_AsSeparateProcesses_ShareTheCluster()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false, Ct);
        var dir = Directory.CreateTempSubdirectory("qs-pg-").FullName;
        var siloArgs = PostgresArgs(db.ConnectionString, dir, "silo");
        var frontArgs = PostgresArgs(db.ConnectionString, dir, "frontdoor");
        // Cluster roles never generate keys (only the single-node role does): the operator provisions them.
        await File.WriteAllTextAsync(Path.Combine(dir, "operator.key"), QuantaSeal.Server.Security.OperatorKeyVerifier.NewKey(), Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "master.key"), QuantaSeal.Crypto.KeyWrap.LocalKeyWrapProvider.GenerateMasterKeyBase64(), Ct);
        File.SetUnixFileMode(Path.Combine(dir, "operator.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Path.Combine(dir, "master.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await using var silo = await ServerProcess.StartAsync(siloArgs, Ct);
        await using var front = await ServerProcess.StartAsync(frontArgs, Ct);
        var operatorKey = (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), Ct)).Trim();
        var tenant = await front.Sdk(null).CreateTenantAsync(operatorKey, "clustered", cancellationToken: Ct);
        var keys = await front.Sdk(tenant.ApiKey).GetKeysAsync(Ct);
        using var siloHttp = silo.Http();
        using var siloApi = await siloHttp.GetAsync("api/v2/tenant/keys", Ct);

        Assert.Equal(tenant.SigningKey.KeyId, keys.CurrentSigningKeyId);
        Assert.Equal(HttpStatusCode.NotFound, siloApi.StatusCode);
    }
}
