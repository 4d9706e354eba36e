using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Grains.Hosting.Cluster;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Cluster;

/// <summary>
/// The attack of issue 14: an Orleans client that references only QuantaSeal.Abstractions, reaches the gateway port and
/// forges the tenant in the request context. With cluster TLS it never gets a connection; holding a cluster certificate
/// is what makes a process part of the trusted inside (DESIGN §10).
/// </summary>
public sealed class ClusterTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static QuantaSealServer TlsServer(out int gatewayPort, out string clusterId)
    {
        gatewayPort = ServerProcess.FreePort();
        clusterId = "tls-" + Guid.NewGuid().ToString("N");
        return new QuantaSealServer(settings: new Dictionary<string, string?>
        {
            ["QuantaSeal:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:ClusterId"] = clusterId,
            ["QuantaSeal:Cluster:CertificateDirectory"] = TestClusterCertificates.Directory,
        });
    }

    /// <summary>The forging client: a plain Orleans client, optionally with a certificate directory.</summary>
    private static async Task<IReadOnlyList<string>> ForgedListAsync(int gatewayPort, string clusterId, string? certificateDirectory, string tenantId, int timeoutSeconds = 60)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPort, serviceId: "quantaseal", clusterId: clusterId);
            if (certificateDirectory is not null)
            {
                client.UseQuantaSealClusterTls(TestClusterCertificates.Load(certificateDirectory));
            }
        });
        using var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // A refused client never gets an answer; the member (control) connects in about a second.
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await host.StartAsync(timeout.Token);
            TenantCallContext.SetTenant(tenantId);
            return await host.Services.GetRequiredService<IClusterClient>().GetGrain<ITenantDirectoryGrain>(tenantId)
                .ListAsync("int_", timeout.Token).WaitAsync(timeout.Token);
        }
        finally
        {
            Orleans.Runtime.RequestContext.Clear();
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ForgedTenantContext_ClientWithoutClusterCertificate_CannotCallAnyGrain()
    {
        await using var server = TlsServer(out var gatewayPort, out var clusterId);
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "victim", cancellationToken: Ct);

        var error = await Record.ExceptionAsync(() => ForgedListAsync(gatewayPort, clusterId, null, tenant.TenantId, timeoutSeconds: 15));

        Assert.NotNull(error);
        Assert.IsNotType<TenantAccessDeniedException>(error);
    }

    [Fact]
    public async Task ForgedTenantContext_ClientWithAnotherCasCertificate_CannotCallAnyGrain()
    {
        await using var server = TlsServer(out var gatewayPort, out var clusterId);
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "victim", cancellationToken: Ct);

        var error = await Record.ExceptionAsync(() => ForgedListAsync(gatewayPort, clusterId, TestClusterCertificates.StrangerDirectory, tenant.TenantId, timeoutSeconds: 15));

        Assert.NotNull(error);
    }

    [Fact]
    public async Task ClusterMember_WithTheClusterCertificate_Connects()
    {
        await using var server = TlsServer(out var gatewayPort, out var clusterId);
        var tenant = await server.Sdk(null).CreateTenantAsync(server.OperatorKey, "member", cancellationToken: Ct);

        var ids = await ForgedListAsync(gatewayPort, clusterId, TestClusterCertificates.Directory, tenant.TenantId);

        Assert.Empty(ids);
    }

    [Fact]
    public async Task PostgresNode_WithoutClusterCertificates_RefusesToStart_AndSaysHowToFix()
    {
        var dir = Directory.CreateTempSubdirectory("qs-notls-").FullName;
        await using var server = ServerProcess.Launch(
        [
            "--storage", "postgres", "--connection-string", "Host=127.0.0.1;Port=1;Database=none",
            "--role", "silo", "--cluster-ca", Path.Combine(dir, "missing-ca.pem"),
            "--operator-key-file", Path.Combine(dir, "operator.key"), "--master-key-file", Path.Combine(dir, "master.key"),
        ]);

        var exit = await server.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", server.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "master.key")));
    }

    [Fact]
    public async Task PostgresNode_WithNoClusterTlsOptionsAtAll_RefusesToStart()
    {
        var dir = Directory.CreateTempSubdirectory("qs-notls-").FullName;
        var args = new List<string>
        {
            "--storage", "postgres", "--connection-string", "Host=127.0.0.1;Port=1;Database=none",
            "--operator-key-file", Path.Combine(dir, "operator.key"), "--master-key-file", Path.Combine(dir, "master.key"),
        };
        // ServerProcess adds the test CA unless a --cluster-* option is present; an empty directory option is "none".
        args.AddRange(["--cluster-insecure-dev", "false"]);
        await using var server = ServerProcess.Launch(args);

        var exit = await server.WaitForExitAsync(Ct);

        Assert.Equal(2, exit);
        Assert.Contains("needs cluster certificates", server.Output, StringComparison.Ordinal);
        Assert.Contains("--cluster-insecure-dev", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterCertificates_RefuseAGroupReadableKeyFile()
    {
        var dir = Directory.CreateTempSubdirectory("qs-open-key-").FullName;
        ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir);
        var key = Path.Combine(dir, ClusterCertificateGenerator.NodeKeyFile);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var error = Assert.Throws<InvalidOperationException>(() => TestClusterCertificates.Load(dir));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DevelopmentCertificates_KeysAre0600_AndTheNodeIsAMemberOfItsOwnCluster_NotOfAnother()
    {
        var dir = Directory.CreateTempSubdirectory("qs-dev-certs-").FullName;

        var created = ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir);
        using var own = TestClusterCertificates.Load(dir);
        using var stranger = TestClusterCertificates.Load(TestClusterCertificates.StrangerDirectory);

        Assert.True(created);
        Assert.False(ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, ClusterCertificateGenerator.NodeKeyFile)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, ClusterCertificateGenerator.CaKeyFile)));
        Assert.True(own.IsClusterMember(own.Node));
        Assert.False(own.IsClusterMember(stranger.Node));
    }
}
