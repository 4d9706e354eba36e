using Microsoft.Extensions.Logging;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>STYLE §2.4: the connector logs ids, statuses and timings, never secrets, tokens, bodies or query strings.</summary>
public sealed class Auth0LoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_NeverCarrySecretsTokensBodiesOrQueries()
    {
        await using var host = await Auth0TestHost.StartAsync(o => o.MaxRetries = 1);
        var secret = host.Emulator.ClientSecret;
        var token = await host.TokenAsync("get_users", "get_user", "create_user");
        await host.ExecuteAsync("get_users", """{"q":"email:*@acme.example","per_page":5}""", token);
        await host.ExecuteAsync("get_user", """{"user_id":"samlp|acme-saml|jane.doe@acme.example"}""", token);
        await host.ExecuteAsync("get_user", """{"user_id":"auth0|missing-person"}""", token);
        await host.ExecuteAsync("create_user", """{"connection":"Username-Password-Authentication","email":"logged@example.com","password":"short"}""", token);
        host.Emulator.FailNext(5, 503);
        await host.ExecuteAsync("get_users", "{}", token);
        await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, host.Credential with { ClientSecret = "not-the-secret-xyz" }, ["get_users"], Ct));

        var all = host.Logs.GetSnapshot();
        var records = all.Where(r => r.Category == typeof(QuantaSeal.Connectors.Auth0.Auth0Connector).FullName).ToList();

        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.InRange(r.Id.Id, 5100, 5199));

        // Every line written while the connector worked (its own, the HTTP pipeline's, the resilience handler's).
        var text = string.Join("\n", all.Select(r => r.Message + " " + r.Exception + " " + string.Join(" ", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])));
        foreach (var forbidden in new[]
        {
            secret, "not-the-secret-xyz", token.AccessToken, token.AccessToken[..20], "acme.example", "jane.doe", "missing-person",
            "logged@example.com", "short", "PasswordStrengthError", "?", "q=", "Bearer ", "client_secret",
        })
        {
            Assert.DoesNotContain(forbidden, text, StringComparison.Ordinal);
        }

        Assert.Contains(records, r => r.Id.Id == 5101 && r.Level == LogLevel.Information);
        Assert.Contains(records, r => r.Id.Id == 5102 && r.Level == LogLevel.Information);
        Assert.Contains(records, r => r.Id.Id == 5111 && r.Level == LogLevel.Information && r.Message.Contains("inexistent_user", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 5112 && r.Level == LogLevel.Warning);
        Assert.All(records, r => Assert.Null(r.Exception));
    }
}
