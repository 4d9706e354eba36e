using System.Net;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Hardening;

/// <summary>Issue 13 finding 2: authenticated traffic is limited per API key (burst 3 here, refilled once an hour).</summary>
public sealed class PerKeyRateLimitTests() : ServerPerTest(new Dictionary<string, string?>
{
    ["QuantaSeal:RateLimit:PerKeyPerSecond"] = "1",
    ["QuantaSeal:RateLimit:PerKeyBurst"] = "3",
    ["QuantaSeal:RateLimit:Period"] = "01:00:00",
})
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> GetTenantAsync(string apiKey)
    {
        using var http = Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/tenant");
        request.Headers.Add("X-API-Key", apiKey);
        return await http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task AKeyOverItsBudget_Gets429WithRetryAfter_WhileAnotherKeyIsServed()
    {
        var a = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "a", cancellationToken: Ct);
        var b = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "b", cancellationToken: Ct);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await GetTenantAsync(a.ApiKey);
            statuses.Add(response.StatusCode);
        }

        using var throttled = await GetTenantAsync(a.ApiKey);
        using var other = await GetTenantAsync(b.ApiKey);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
