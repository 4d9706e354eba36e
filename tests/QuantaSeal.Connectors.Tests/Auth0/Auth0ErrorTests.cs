using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Connectors.Tests.Catalog;
using QuantaSeal.Connectors.Tests.Http;
using QuantaSeal.Emulators.Auth0;

namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>Upstream failures: token problems, scopes, 404, 429, 5xx, timeouts and unreachable hosts.</summary>
public sealed class Auth0ErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Execute_WithAnExpiredToken_IsUnauthorized()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await Auth0TestHost.StartAsync(emulator: new Auth0EmulatorOptions { TimeProvider = clock });
        host.Emulator.TokenLifetime = TimeSpan.FromMinutes(1);
        var token = await host.TokenAsync("get_roles");
        Assert.Equal(UpstreamOutcome.Success, (await host.ExecuteAsync("get_roles", "{}", token)).Outcome);

        clock.Advance(TimeSpan.FromSeconds(61));
        var response = await host.ExecuteAsync("get_roles", "{}", token);

        Assert.Equal(UpstreamOutcome.Unauthorized, response.Outcome);
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Unauthorized", response.ErrorCode);
        Assert.Equal("Auth0 rejected the access token.", response.ErrorMessage);
    }

    [Fact]
    public async Task Execute_WithATokenFromARotatedSigningKey_IsUnauthorized()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_roles");
        host.Emulator.RotateSigningKey();

        var response = await host.ExecuteAsync("get_roles", "{}", token);

        Assert.Equal(UpstreamOutcome.Unauthorized, response.Outcome);
    }

    [Fact]
    public async Task Execute_WithAForgedToken_IsUnauthorized()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var real = await host.TokenAsync("get_roles");
        var parts = real.AccessToken.Split('.');
        var forged = real with { AccessToken = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length) };

        var response = await host.ExecuteAsync("get_roles", "{}", forged);

        Assert.Equal(UpstreamOutcome.Unauthorized, response.Outcome);
    }

    [Fact]
    public async Task Execute_WithoutTheOperationsScope_IsForbidden_NamingTheScope()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");

        var response = await host.ExecuteAsync("delete_user", """{"user_id":"auth0|665000000000000000019919"}""", token);

        Assert.Equal(UpstreamOutcome.Forbidden, response.Outcome);
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("insufficient_scope", response.ErrorCode);
        Assert.Contains("delete:users", response.ErrorMessage, StringComparison.Ordinal);
        var stillThere = await host.ExecuteAsync("get_user", """{"user_id":"auth0|665000000000000000019919"}""");
        Assert.Equal(UpstreamOutcome.Success, stillThere.Outcome);
    }

    [Fact]
    public async Task Execute_RateLimitedWithALongRetryAfter_ReturnsRateLimited_WithRetryAfter()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        host.Emulator.RateLimitNext(1, TimeSpan.FromSeconds(30));

        var response = await host.ExecuteAsync("get_users", "{}", token);

        Assert.Equal(UpstreamOutcome.RateLimited, response.Outcome);
        Assert.Equal(429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.RetryAfter);
        Assert.Equal(0, response.RateLimit!.Remaining);
        Assert.Equal("too_many_requests", response.ErrorCode);
        Assert.Equal(1, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task Execute_RateLimitedBriefly_IsRetriedAfterRetryAfter()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        host.Emulator.RateLimitNext(1, TimeSpan.FromSeconds(1));

        var response = await host.ExecuteAsync("get_users", """{"per_page":1}""", token);

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        var calls = host.Emulator.Requests.Where(r => r.IsManagementRequest).ToList();
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].ReceivedAt - calls[0].ReceivedAt >= TimeSpan.FromSeconds(0.9), "the retry waited for Retry-After");
    }

    [Fact]
    public async Task Execute_RateLimitedWithOnlyTheResetHeader2sAhead_IsRetriedOnce_AfterThatDelay()
    {
        // One fake clock for the emulator's x-ratelimit-reset and the pipeline's retry wait: the delay is exact and
        // nothing sleeps. The attempt (5 s) and total (10 s) timeouts are the only other timers.
        var clock = new RecordingTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await Auth0TestHost.StartAsync(emulator: new Auth0EmulatorOptions { TimeProvider = clock }, connectorTime: clock, pipelineTime: clock);
        var token = await host.TokenAsync("get_users");
        host.Emulator.RateLimitNext(1, TimeSpan.FromSeconds(2), sendRetryAfter: false);

        var pending = host.ExecuteAsync("get_users", """{"per_page":1}""", token);
        var delays = await clock.WaitForTimersAsync(1, TimeSpan.FromSeconds(5), Ct);
        clock.Advance(TimeSpan.FromSeconds(2));
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([TimeSpan.FromSeconds(2)], delays);
        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Equal(2, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task Execute_RateLimitedWithOnlyAFarResetHeader_IsNotRetried_AndReturnsTheDelay()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await Auth0TestHost.StartAsync(emulator: new Auth0EmulatorOptions { TimeProvider = clock }, connectorTime: clock, pipelineTime: clock);
        var token = await host.TokenAsync("get_users");
        host.Emulator.RateLimitNext(1, TimeSpan.FromSeconds(60), sendRetryAfter: false);

        var response = await host.ExecuteAsync("get_users", "{}", token).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(UpstreamOutcome.RateLimited, response.Outcome);
        Assert.Equal(429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.RetryAfter);
        Assert.Equal(1, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task Execute_TransientServerError_IsRetried_ForAGet()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        host.Emulator.FailNext(1, 503);

        var response = await host.ExecuteAsync("get_users", """{"per_page":1}""", token);

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Equal(2, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task Execute_PersistentServerError_IsRetriedABoundedNumberOfTimes_ThenServerError()
    {
        await using var host = await Auth0TestHost.StartAsync(o => o.MaxRetries = 2);
        var token = await host.TokenAsync("get_users");
        host.Emulator.FailNext(100, 500);

        var response = await host.ExecuteAsync("get_users", "{}", token);

        Assert.Equal(UpstreamOutcome.ServerError, response.Outcome);
        Assert.Equal(500, response.StatusCode);
        Assert.Equal(3, host.Emulator.ManagementRequestCount);
        Assert.Equal("Auth0 failed (500).", response.ErrorMessage);
    }

    [Fact]
    public async Task Execute_ServerError_IsNotRetried_ForCreateUser()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("create_user", "get_users");
        host.Emulator.FailNext(1, 503);

        var response = await host.ExecuteAsync("create_user", """{"connection":"Username-Password-Authentication","email":"once@example.com","password":"long enough password"}""", token);

        Assert.Equal(UpstreamOutcome.ServerError, response.Outcome);
        Assert.Equal(503, response.StatusCode);
        Assert.Equal(1, host.Emulator.ManagementRequestCount);
        var search = await host.ExecuteAsync("get_users", """{"q":"email:\"once@example.com\""}""", token);
        Assert.Equal(0, Auth0TestHost.Body(search).GetArrayLength());
    }

    [Theory]
    [InlineData("delete_user", """{"user_id":"auth0|665000000000000000019919"}""", 503)]
    [InlineData("update_user", """{"user_id":"auth0|665000000000000000019919","changes":{"name":"x"}}""", 500)]
    public async Task Execute_ServerError_IsNotRetried_ForAnUnsafeWrite(string operation, string payload, int status)
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync(operation);
        host.Emulator.FailNext(1, status);

        var response = await host.ExecuteAsync(operation, payload, token);

        Assert.Equal(UpstreamOutcome.ServerError, response.Outcome);
        Assert.Equal(1, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task Execute_AgainstASlowUpstream_TimesOut_InsteadOfHanging()
    {
        // The token comes through a connector with the default limits, so a cold start on a busy machine cannot
        // make the token request itself time out.
        await using var normal = await Auth0TestHost.StartAsync();
        var token = await normal.TokenAsync("get_users");
        await using var host = await Auth0TestHost.StartAsync(UpstreamLimits.Of(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(2), maxRetries: 1), shared: normal.Emulator);
        // The emulator would answer after 30 s; a Timeout outcome (not the late success) shows the connector gave up
        // on its own limits. No wall-clock bound: the outcome is the check.
        host.Emulator.Latency = TimeSpan.FromSeconds(30);

        var response = await host.ExecuteAsync("get_users", "{}", token);

        Assert.Equal(UpstreamOutcome.Timeout, response.Outcome);
        Assert.Equal(0, response.StatusCode);
        Assert.Equal("timeout", response.ErrorCode);

        // One attempt plus at most the one retry allowed (a retry cut off before it arrives is not counted).
        Assert.InRange(host.Emulator.ManagementRequestCount, 1, 2);
    }

    [Fact]
    public async Task Execute_AgainstASlowUpstream_IsNotRetried_ForCreateUser()
    {
        await using var normal = await Auth0TestHost.StartAsync();
        var token = await normal.TokenAsync("create_user");
        await using var host = await Auth0TestHost.StartAsync(UpstreamLimits.Of(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), shared: normal.Emulator);
        host.Emulator.Latency = TimeSpan.FromSeconds(30);

        var response = await host.ExecuteAsync("create_user", """{"connection":"Username-Password-Authentication","email":"slow@example.com","password":"long enough password"}""", token);

        Assert.Equal(UpstreamOutcome.Timeout, response.Outcome);
        Assert.Equal(1, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task AcquireToken_AgainstASlowTokenEndpoint_TimesOut()
    {
        await using var host = await Auth0TestHost.StartAsync(UpstreamLimits.Of(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), maxRetries: 1));
        host.Emulator.Latency = TimeSpan.FromSeconds(30);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.TokenAsync("get_users"));

        Assert.Equal(UpstreamOutcome.Timeout, ex.Outcome);
    }

    [Fact]
    public async Task Execute_CancelledByTheCaller_Throws()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        host.Emulator.Latency = TimeSpan.FromSeconds(30);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var request = ValidatedRequests.For("auth0", "get_users", "{}");
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Connector.ExecuteAsync(host.Target, token, request, cancel.Token));
    }

    [Fact]
    public async Task Execute_AgainstAStoppedUpstream_IsUnreachable()
    {
        var host = await Auth0TestHost.StartAsync(o => o.MaxRetries = 1);
        var token = await host.TokenAsync("get_users");
        await host.Emulator.DisposeAsync();

        try
        {
            var response = await host.Connector.ExecuteAsync(host.Target, token, ValidatedRequests.For("auth0", "get_users", "{}"), Ct);

            Assert.Equal(UpstreamOutcome.Unreachable, response.Outcome);
            Assert.Equal("unreachable", response.ErrorCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Execute_ToAHostTheOutboundPolicyRefuses_IsUnreachable_AndNothingArrives()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddQuantaSealConnectors(); // the default allowlist: no loopback
        await using var strict = services.BuildServiceProvider();
        var connector = new Auth0Connector(strict.GetRequiredService<IHttpClientFactory>(), TimeProvider.System, NullLogger<Auth0Connector>.Instance);
        host.Emulator.ClearRequests();

        // A target built around the policy's TryCreateTarget: the connect-time check still refuses loopback.
        var response = await connector.ExecuteAsync(host.Target, token, ValidatedRequests.For("auth0", "get_users", "{}"), Ct);
        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => connector.AcquireTokenAsync(host.Target, host.Credential, ["get_users"], Ct));

        Assert.Equal(UpstreamOutcome.Unreachable, response.Outcome);
        Assert.Equal("blocked_by_policy", response.ErrorCode);
        Assert.Equal(UpstreamOutcome.Unreachable, ex.Outcome);
        Assert.Empty(host.Emulator.Requests);
    }

    [Fact]
    public async Task Execute_AnotherSystemsOperation_Throws_AndCallsNothing()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        var oktaRequest = ValidatedRequests.For("okta", "list_users", "{}");

        await Assert.ThrowsAsync<ArgumentException>(() => host.Connector.ExecuteAsync(host.Target, token, oktaRequest, Ct));

        Assert.Equal(0, host.Emulator.ManagementRequestCount);
    }

    [Fact]
    public async Task Execute_ForAnOktaTarget_Throws()
    {
        await using var host = await Auth0TestHost.StartAsync();
        var token = await host.TokenAsync("get_users");
        var request = ValidatedRequests.For("auth0", "get_users", "{}");

        await Assert.ThrowsAsync<ArgumentException>(() => host.Connector.ExecuteAsync(host.Target with { SystemType = "okta" }, token, request, Ct));
    }

    [Fact]
    public async Task AcquireToken_WithAnEmptySecret_IsRefused_BeforeAnyCall()
    {
        await using var host = await Auth0TestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => host.Connector.AcquireTokenAsync(host.Target, new OAuth2ClientSecretCredential(host.Emulator.ClientId, string.Empty, null, null), [], Ct));

        Assert.Equal(UpstreamOutcome.CredentialRejected, ex.Outcome);
        Assert.Empty(host.Emulator.Requests);
    }
}
