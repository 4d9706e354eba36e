using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors.Tests.Http;

public sealed class UpstreamHostPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static UpstreamHostPolicy Policy(params string[] allow) => Policy(false, allow);

    private static UpstreamHostPolicy Policy(bool allowPrivate, params string[] allow)
    {
        var options = new UpstreamOptions { AllowPrivateNetworks = allowPrivate };
        foreach (var a in allow)
        {
            options.Allow.Add(a);
        }

        return new UpstreamHostPolicy(Options.Create(options));
    }

    [Theory]
    [InlineData("acme.us.auth0.com", "https://acme.us.auth0.com/")]
    [InlineData("ACME.okta.com", "https://acme.okta.com/")]
    [InlineData("https://dev-1.oktapreview.com", "https://dev-1.oktapreview.com/")]
    [InlineData("https://acme.auth0.com/", "https://acme.auth0.com/")]
    public void Defaults_AllowTheVendorsCloudDomains_OverHttps(string domain, string expected)
    {
        Assert.True(Policy().TryCreateTarget("auth0", domain, out var target, out var error), error);
        Assert.Equal(expected, target!.BaseUri.ToString());
    }

    [Theory]
    [InlineData("auth0.com")]
    [InlineData("evilauth0.com")]
    [InlineData("acme.auth0.com.evil.example")]
    [InlineData("http://acme.auth0.com")]
    [InlineData("https://acme.auth0.com:8443")]
    [InlineData("127.0.0.1")]
    [InlineData("http://127.0.0.1:4010")]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("https://user:pw@acme.auth0.com")]
    [InlineData("https://acme.auth0.com/api/v2")]
    [InlineData("https://acme.auth0.com?x=1")]
    [InlineData("")]
    [InlineData("acme.auth0.com\\@evil.example")]
    public void Defaults_RefuseEverythingElse(string domain)
    {
        Assert.False(Policy().TryCreateTarget("auth0", domain, out var target, out var error));
        Assert.Null(target);
        Assert.Contains("domain", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OperatorAddition_AllowsTheEmulatorOnLoopback_OnlyOnThatAddress()
    {
        var policy = Policy("http://127.0.0.1:*");

        Assert.True(policy.TryCreateTarget("okta", "http://127.0.0.1:4010", out var target, out _));
        Assert.Equal("http://127.0.0.1:4010/", target!.BaseUri.ToString());
        Assert.False(policy.TryCreateTarget("okta", "http://127.0.0.2:4010", out _, out _));
        Assert.False(policy.TryCreateTarget("okta", "http://10.0.0.1:4010", out _, out _));
    }

    [Fact]
    public void ARefusedDomain_IsExplained_WithoutShowingTheOperatorsAllowlist()
    {
        var policy = Policy("https://idp-relay.corp.internal", "http://127.0.0.1:*");

        Assert.False(policy.TryCreateTarget("okta", "https://other.example.net", out _, out var error));
        Assert.Contains("'domain' is not on the operator's outbound allowlist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("corp.internal", error, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", error, StringComparison.Ordinal);
        Assert.DoesNotContain("*.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPatterns_AreAllReported()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Policy("ftp://x.example", "*.com", "host:notaport"));

        Assert.Equal(3, ex.Failures.Count());
    }

    [FsCheck.Xunit.Property]
    public bool TryCreateTarget_NeverThrows(string? domain)
    {
        var ok = Policy().TryCreateTarget("auth0", domain, out var target, out var error);
        return ok ? target is not null && error is null : target is null && error is not null;
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("172.16.5.4", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("2002:808:808::1", true)]
    public void IsPublicAddress_ClassifiesInternalRanges(string address, bool expected) =>
        Assert.Equal(expected, UpstreamHostPolicy.IsPublicAddress(IPAddress.Parse(address)));

    /// <summary>Issue 13 finding 9: IPv6 forms that carry (or translate to) an internal IPv4 address.</summary>
    [Theory]
    [InlineData("::127.0.0.1")]
    [InlineData("::10.0.0.1")]
    [InlineData("::169.254.169.254")]
    [InlineData("::")]
    [InlineData("64:ff9b:1::a00:1")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("64:ff9b:1:ffff::1")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    public void IsPublicAddress_RefusesEmbeddedAndTranslatedInternalAddresses(string address) =>
        Assert.False(UpstreamHostPolicy.IsPublicAddress(IPAddress.Parse(address)));

    private static (ServiceProvider Services, UpstreamHostPolicy Policy) Client(Action<UpstreamOptions> configure)
    {
        var services = new ServiceCollection().AddQuantaSealConnectors(o =>
        {
            o.MaxRetries = 0;
            configure(o);
        }).BuildServiceProvider();
        return (services, services.GetRequiredService<UpstreamHostPolicy>());
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    public async Task AllowedName_ResolvingToAnInternalAddress_IsRefusedAtConnect(string address)
    {
        var (services, policy) = Client(_ => { });
        await using var _ = services;
        policy.Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Parse(address) });
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClients.Management);

        var ex = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri("https://evil.auth0.com/api/v2/users"), Ct));

        Assert.IsType<UpstreamBlockedException>(ex.InnerException);
    }

    [Fact]
    public async Task MixedDnsAnswer_WithOneInternalAddress_IsRefused()
    {
        var (services, policy) = Client(_ => { });
        await using var _ = services;
        policy.Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Parse("8.8.8.8"), IPAddress.Parse("169.254.169.254") });
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClients.Management);

        var ex = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri("https://acme.okta.com/api/v1/users"), Ct));

        Assert.IsType<UpstreamBlockedException>(ex.InnerException);
    }

    [Fact]
    public async Task HostNotOnTheAllowlist_IsRefusedAtConnect_EvenIfACallerBuiltTheUri()
    {
        var (services, _) = Client(_ => { });
        await using var _ = services;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClients.Management);

        var ex = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri("https://example.com/"), Ct));

        Assert.IsType<UpstreamBlockedException>(ex.InnerException);
    }

    [Fact]
    public async Task LocalhostName_IsRefusedByDefault_AndReachableWhenPrivateNetworksAreAllowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = ServeOnceAsync(listener, "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        var (refusing, _) = Client(o => o.Allow.Add("http://localhost:*"));
        await using (refusing)
        {
            var http = refusing.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClients.Management);
            var ex = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://localhost:{port}/"), Ct));
            Assert.IsType<UpstreamBlockedException>(ex.InnerException);
        }

        var (allowing, _) = Client(o =>
        {
            o.Allow.Add("http://localhost:*");
            o.AllowPrivateNetworks = true;
        });
        await using (allowing)
        {
            var http = allowing.GetRequiredService<IHttpClientFactory>().CreateClient(ConnectorHttpClients.Management);
            using var response = await http.GetAsync(new Uri($"http://localhost:{port}/"), Ct);

            // Redirects are never followed: a 302 to the metadata address comes back as a 302.
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        }

        await serve;
    }

    private static async Task ServeOnceAsync(TcpListener listener, string response)
    {
        using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response), TestContext.Current.CancellationToken);
    }
}
