using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Emulators.Auth0;

namespace QuantaSeal.Connectors.Tests.Auth0;

public sealed class Auth0TokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcquireToken_ExchangesClientCredentialsForTheDefaultAudience()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await Auth0TestHost.StartAsync(connectorTime: time);

        var token = await host.TokenAsync("get_users");

        Assert.Equal("Bearer", token.Scheme);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(24), token.ExpiresAt);
        Assert.Equal(["read:users"], token.GrantedScopes);
        var request = Assert.Single(host.Emulator.Requests);
        Assert.True(request.IsTokenRequest);
        Assert.Equal("POST", request.Method);
        Assert.Equal(host.Target.BaseUri.AbsoluteUri + "api/v2/", host.Emulator.Audience);
    }

    [Fact]
    public async Task AcquireToken_RequestsTheLeastScopesTheAllowedOperationsNeed()
    {
        await using var host = await Auth0TestHost.StartAsync();

        var token = await host.TokenAsync("get_users", "get_user", "delete_user", "get_logs", "no_such_operation");

        Assert.Equal(["delete:users", "read:logs", "read:users"], token.GrantedScopes);
    }

    [Fact]
    public async Task AcquireToken_WithoutAllowedOperations_ReportsEveryGrantedScope()
    {
        await using var host = await Auth0TestHost.StartAsync();

        var token = await host.TokenAsync();

        Assert.Equal(host.Emulator.Client.Scopes.Order(StringComparer.Ordinal), token.GrantedScopes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AcquireToken_UsesTheScopesTheCredentialNames()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var credential = host.Credential with { Scopes = ["read:roles", "read:actions"] };

        var token = await host.Connector.AcquireTokenAsync(host.Target, credential, ["get_users"], Ct);

        Assert.Equal(["read:actions", "read:roles"], token.GrantedScopes);
    }

    [Fact]
    public async Task AcquireToken_TakesItsLifetimeFromExpiresIn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await Auth0TestHost.StartAsync(connectorTime: time);
        host.Emulator.TokenLifetime = TimeSpan.FromSeconds(90);

        var token = await host.TokenAsync("get_users");

        Assert.Equal(time.GetUtcNow().AddSeconds(90), token.ExpiresAt);
    }

    [Fact]
    public async Task AcquireToken_WithAWrongSecret_IsCredentialRejected_WithoutEchoingIt()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var credential = host.Credential with { ClientSecret = "wrong-secret-value-123" };

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("access_denied", ex.ErrorCode);
        Assert.DoesNotContain("wrong-secret-value-123", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Emulator.ClientSecret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_AfterSecretRotation_FailsWithTheOldSecret_AndWorksWithTheNewOne()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var old = host.Credential;

        var fresh = host.Emulator.RotateClientSecret();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, old, ["get_users"], Ct));
        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        var token = await host.Connector.AcquireTokenAsync(host.Target, old with { ClientSecret = fresh }, ["get_users"], Ct);
        Assert.Equal(["read:users"], token.GrantedScopes);
    }

    [Fact]
    public async Task AcquireToken_WithARevokedSecret_IsCredentialRejected()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var credential = host.Credential;
        host.Emulator.RevokeClientSecret();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Contains("client id and secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_ForScopesNotGranted_IsCredentialRejected_NamingTheScopesNeeded()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var reader = host.Emulator.AddClient("reader", ["read:users"]);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(
            host.Target, new OAuth2ClientSecretCredential(reader.ClientId, reader.ClientSecret, null, null), ["get_users", "delete_user"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal(403, ex.StatusCode);
        Assert.Contains("delete:users", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not been granted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_ForAnotherAudience_IsCredentialRejected_WithoutEchoingTheAudience()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var credential = host.Credential with { Audience = "https://evil.example/api/v2/" };

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Contains("audience", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_ForAClientWithoutAManagementApiGrant_IsCredentialRejected()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var orphan = host.Emulator.AddClient("no grant", []);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(
            host.Target, new OAuth2ClientSecretCredential(orphan.ClientId, orphan.ClientSecret, null, null), ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Contains("client grant", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_ForAClientWithoutTheClientCredentialsGrantType_IsUnauthorizedClient()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var spa = host.Emulator.AddClient("spa", ["read:users"], allowClientCredentials: false);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(
            host.Target, new OAuth2ClientSecretCredential(spa.ClientId, spa.ClientSecret, null, null), ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Equal("unauthorized_client", ex.ErrorCode);
    }

    [Fact]
    public async Task AcquireToken_WithAnotherCredentialType_IsRefused_BeforeAnyCall()
    {
        await using var host = await Auth0TestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, new ApiTokenCredential("ssws-token"), ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Empty(host.Emulator.Requests);
    }

    [Fact]
    public async Task AcquireToken_RetriesATransientTokenEndpointFailure()
    {
        await using var host = await Auth0TestHost.StartAsync();
        host.Emulator.FailNext(1, 503, Auth0FaultTarget.Token);

        var token = await host.TokenAsync("get_users");

        Assert.Equal(["read:users"], token.GrantedScopes);
        Assert.Equal(2, host.Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task AcquireToken_WhenTheTokenEndpointKeepsFailing_GivesUpAfterBoundedRetries()
    {
        await using var host = await Auth0TestHost.StartAsync(o => o.MaxRetries = 2);
        host.Emulator.FailNext(100, 500, Auth0FaultTarget.Token);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.TokenAsync("get_users"));

        Assert.Equal(UpstreamOutcome.ServerError, ex.Outcome);
        Assert.Equal(500, ex.StatusCode);
        Assert.Equal(3, host.Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task AcquireToken_WhenRateLimitedForLong_IsRateLimited_WithTheRetryAfter()
    {
        await using var host = await Auth0TestHost.StartAsync();
        host.Emulator.RateLimitNext(1, TimeSpan.FromMinutes(1), Auth0FaultTarget.Token);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.TokenAsync("get_users"));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(1), ex.RetryAfter);
        Assert.Equal(1, host.Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task AcquireToken_RateLimitedWithOnlyAFarResetHeader_IsNotRetried_AndCarriesTheDelay()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await Auth0TestHost.StartAsync(emulator: new Auth0EmulatorOptions { TimeProvider = clock }, connectorTime: clock, pipelineTime: clock);
        host.Emulator.RateLimitNext(1, TimeSpan.FromMinutes(1), Auth0FaultTarget.Token, sendRetryAfter: false);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.TokenAsync("get_users").WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        Assert.Equal(UpstreamOutcome.RateLimited, ex.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(1), ex.RetryAfter);
        Assert.Equal(1, host.Emulator.TokenRequestCount);
        Assert.DoesNotContain(host.Emulator.ClientSecret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireToken_ManyConcurrentCalls_EachGetAToken()
    {
        // The connector is stateless (single-flight is the grain's job): it must simply be safe to call concurrently.
        await using var host = await Auth0TestHost.StartAsync();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.TokenAsync("get_users")));

        Assert.Equal(10, tokens.Select(t => t.AccessToken).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(10, host.Emulator.TokenRequestCount);
    }
}
