using System.Text.Json;
using QuantaSeal.Connectors.Tests.Catalog;
using QuantaSeal.Connectors.Tests.Http;

namespace QuantaSeal.Connectors.Tests.Okta;

/// <summary>Okta errors, rate limits, transient failures and timeouts through the real outbound pipelines.</summary>
public sealed class OktaConnectorErrorTests
{
    [Fact]
    public async Task UnknownUser_IsNotFound_WithGenericMessageAndOktaCode()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);

        var response = await h.RunAsync(token, "get_user", """{"user_id":"00uDoesNotExist4242"}""");

        Assert.Equal(UpstreamOutcome.NotFound, response.Outcome);
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("E0000007", response.ErrorCode);
        Assert.DoesNotContain("00uDoesNotExist4242", response.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("E0000007", JsonDocument.Parse(response.Body).RootElement.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task RateLimited_IsReturnedWithRetryAfterAndRateLimitHeaders()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        h.Emulator.RateLimitNextRequests(10, TimeSpan.FromSeconds(30));

        var response = await h.RunAsync(token, "list_users");

        Assert.Equal(UpstreamOutcome.RateLimited, response.Outcome);
        Assert.Equal(429, response.StatusCode);
        Assert.Equal("E0000047", response.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.RetryAfter);
        Assert.Equal(0, response.RateLimit?.Remaining);
        Assert.NotNull(response.RateLimit?.ResetAt);

        // A Retry-After longer than the pipeline's limit is the caller's to honour: one request, no retry.
        Assert.Equal(1, h.Emulator.ApiRequestCount);
    }

    [Fact]
    public async Task ShortRateLimit_IsRetriedByThePipeline_ForGets()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        h.Emulator.RateLimitNextRequests(1, TimeSpan.FromSeconds(1));

        var response = await h.RunAsync(token, "list_groups");

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Equal(2, h.Emulator.ApiRequestCount);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ServerError_IsRetried_ForGets(int status)
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        h.Emulator.FailNextRequests(1, status);

        var response = await h.RunAsync(token, "list_applications");

        Assert.Equal(UpstreamOutcome.Success, response.Outcome);
        Assert.Equal(2, h.Emulator.ApiRequestCount);
    }

    [Fact]
    public async Task ServerError_IsNotRetried_ForCreateUser()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        h.Emulator.FailNextRequests(1, 503);

        var response = await h.RunAsync(token, "create_user", """{"profile":{"email":"c@example.com","login":"c@example.com","firstName":"C","lastName":"D"}}""");

        Assert.Equal(UpstreamOutcome.ServerError, response.Outcome);
        Assert.Equal(503, response.StatusCode);
        Assert.Equal("E0000010", response.ErrorCode);
        Assert.Equal(1, h.Emulator.ApiRequestCount);
    }

    [Fact]
    public async Task ServerError_AfterTheBoundedRetries_IsServerError()
    {
        await using var h = await OktaHarness.StartAsync(upstream: o => o.MaxRetries = 2);
        var token = await h.TokenAsync(h.ApiToken);
        h.Emulator.FailNextRequests(10, 500);

        var response = await h.RunAsync(token, "get_system_log");

        Assert.Equal(UpstreamOutcome.ServerError, response.Outcome);
        Assert.Equal("E0000009", response.ErrorCode);
        Assert.Equal(3, h.Emulator.ApiRequestCount);
    }

    [Fact]
    public async Task SlowUpstream_TimesOut_WithoutHanging()
    {
        await using var h = await OktaHarness.StartAsync(upstream: UpstreamLimits.Of(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)));
        var token = await h.TokenAsync(h.ApiToken);
        // The emulator would answer after 30 s; a Timeout outcome (not the late success) is the check, not the clock.
        h.Emulator.Latency = TimeSpan.FromSeconds(30);

        var response = await h.RunAsync(token, "list_users");

        Assert.Equal(UpstreamOutcome.Timeout, response.Outcome);
        Assert.Equal(0, response.StatusCode);
        Assert.Equal("timeout", response.ErrorCode);
    }

    [Fact]
    public async Task SlowTokenEndpoint_TimesOut_AsUpstreamCallException()
    {
        await using var h = await OktaHarness.StartAsync(upstream: UpstreamLimits.Of(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)));
        h.Emulator.Latency = TimeSpan.FromSeconds(30);

        var ex = await Assert.ThrowsAsync<UpstreamCallException>(() => h.TokenAsync(h.ServiceApp(), "list_users"));

        Assert.Equal(UpstreamOutcome.Timeout, ex.Outcome);
    }

    [Fact]
    public async Task InvalidSearch_IsClientError()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);

        var response = await h.RunAsync(token, "list_users", """{"search":"profile.login zz"}""");

        Assert.Equal(UpstreamOutcome.ClientError, response.Outcome);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("E0000031", response.ErrorCode);
    }

    [Fact]
    public async Task AnotherSystemsOperation_IsRefusedBeforeAnyUpstreamCall()
    {
        await using var h = await OktaHarness.StartAsync();
        var token = await h.TokenAsync(h.ApiToken);
        var auth0Request = ValidatedRequests.For("auth0", "get_users", "{}");

        await Assert.ThrowsAsync<ArgumentException>(() => h.Connector.ExecuteAsync(h.Target, token, auth0Request, TestContext.Current.CancellationToken));

        Assert.Empty(h.Emulator.Requests);
    }
}
