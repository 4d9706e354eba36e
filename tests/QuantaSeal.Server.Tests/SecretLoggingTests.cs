using System.Net.Http.Json;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests;

/// <summary>A whole session's logs, at Trace level and including Orleans' own, contain no secret.</summary>
public sealed class SecretLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoKeyOrSecret_AppearsInAnyLogLine()
    {
        // The framework's request lines are off by default (LoggingDefaults); this test reads them too.
        await using var server = new QuantaSealServer("memory", settings: new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" });
        var secrets = new List<string>();
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "logs", cancellationToken: Ct);
        secrets.AddRange([server.OperatorKey, tenant.ApiKey, Convert.ToBase64String(tenant.HmacKey), Convert.ToHexString(tenant.HmacKey)]);
        secrets.Add(File.ReadAllText(Path.Combine(server.StateDirectory, "master.key")).Trim());
        var sdk = server.Sdk(tenant.ApiKey);
        var proxy = await sdk.CreateApiKeyAsync("svc", ["proxy"], cancellationToken: Ct);
        secrets.Add(proxy.ApiKey);
        var rotation = await sdk.RotateSigningKeyAsync(rotateHmacKey: true, Ct);
        secrets.Add(Convert.ToBase64String(rotation.HmacKey!));
        using var recipient = MlKem768KeyPair.Generate();
        secrets.Add(Convert.ToBase64String(recipient.Seed!));
        await sdk.RegisterRecipientKeyAsync(recipient, cancellationToken: Ct);
        await sdk.RevokeApiKeyAsync(proxy.ApiKeyId, Ct);

        // Failed attempts with secrets in them must not be echoed into logs either.
        using var http = server.Http();
        using (var bad = new HttpRequestMessage(HttpMethod.Get, "/api/v2/tenant"))
        {
            bad.Headers.Add("X-API-Key", proxy.ApiKey);
            (await http.SendAsync(bad, Ct)).Dispose();
        }

        var wrongOperator = "qs_op_" + Guid.NewGuid().ToString("N");
        secrets.Add(wrongOperator);
        using (var bad = new HttpRequestMessage(HttpMethod.Post, "/api/v2/tenants") { Content = JsonContent.Create(new { name = "x" }) })
        {
            bad.Headers.Add("X-Operator-Key", wrongOperator);
            (await http.SendAsync(bad, Ct)).Dispose();
        }

        var secretName = "sekrit-" + Guid.NewGuid().ToString("N");
        secrets.Add(secretName);
        using (var bad = new HttpRequestMessage(HttpMethod.Post, "/api/v2/tenant/api-keys") { Content = JsonContent.Create(new { name = 7, scopes = new[] { secretName } }) })
        {
            bad.Headers.Add("X-API-Key", tenant.ApiKey);
            (await http.SendAsync(bad, Ct)).Dispose();
        }

        var lines = server.Logs.Lines.ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Contains(tenant.TenantId, StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }
}
