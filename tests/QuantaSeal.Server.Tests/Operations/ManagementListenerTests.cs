using System.Net;
using System.Net.Http.Headers;
using System.Text;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Operations;

/// <summary>
/// Issue 13 finding 9 and issue 14 item 7: <c>/metrics</c> and the Orleans Dashboard live on the management listener
/// only, behind the operator key; the public listener does not serve them whatever the Host header says, and the
/// management listener serves nothing of the API.
/// </summary>
public sealed class ManagementListenerTests(MemoryServerFixture fixture) : IClassFixture<MemoryServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("metrics")]
    [InlineData("dashboard/")]
    [InlineData("dashboard/ClusterStats")]
    public async Task PublicListener_DoesNotServeOperationsEndpoints(string path)
    {
        using var http = fixture.Server.Http();
        http.DefaultRequestHeaders.Add("X-Operator-Key", fixture.Server.OperatorKey);

        using var response = await http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PublicListener_WithTheManagementPortInTheHostHeader_StillDoesNotServeMetrics()
    {
        using var http = fixture.Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Host = $"127.0.0.1:{fixture.Server.ManagementPort}";
        request.Headers.Add("X-Operator-Key", fixture.Server.OperatorKey);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ManagementListener_WithoutOrWithAWrongKey_Answers401_WithABasicChallenge()
    {
        using var anonymous = fixture.Server.Management(withOperatorKey: false);
        using var wrong = fixture.Server.Management(withOperatorKey: false);
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "qs_op_" + new string('x', 43));

        using var none = await anonymous.GetAsync("metrics", Ct);
        using var bad = await wrong.GetAsync("dashboard/ClusterStats", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.StartsWith("Basic realm=", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("quantaseal_", await none.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("bearer")]
    [InlineData("basic")]
    public async Task ManagementListener_WithTheOperatorKey_ServesMetrics(string how)
    {
        using var http = fixture.Server.Management(withOperatorKey: how == "header");
        var key = fixture.Server.OperatorKey;
        http.DefaultRequestHeaders.Authorization = how switch
        {
            "bearer" => new AuthenticationHeaderValue("Bearer", key),
            "basic" => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + key))),
            _ => null,
        };

        // Something for QuantaSeal's meters to count (a tenant's creation publishes audit events).
        await fixture.Server.Sdk(null).CreateTenantAsync(key, "metered", cancellationToken: Ct);

        using var response = await http.GetAsync("metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("quantaseal_", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementListener_ServesHealth_ButNotTheApi()
    {
        using var http = fixture.Server.Management();

        using var health = await http.GetAsync("healthz", Ct);
        using var api = await http.GetAsync("api/v2/tenants/me", Ct);
        using var openApi = await http.GetAsync("openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, openApi.StatusCode);
    }

    [Fact]
    public async Task Dashboard_WithTheOperatorKey_ShowsTheCluster_ButNeverGrainStateOrLiveLogs()
    {
        using var http = fixture.Server.Management();

        using var page = await http.GetAsync("dashboard/", Ct);
        using var cluster = await http.GetAsync("dashboard/ClusterStats", Ct);
        using var state = await http.GetAsync("dashboard/GrainState?grainId=t_x&grainType=qs.tenant", Ct);
        using var trace = await http.GetAsync("dashboard/Trace", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, cluster.StatusCode);
        Assert.Contains("silo", await cluster.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, state.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, trace.StatusCode);
    }
}
