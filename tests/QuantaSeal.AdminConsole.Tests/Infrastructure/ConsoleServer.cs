using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.AdminConsole.Tests.Infrastructure;

/// <summary>
/// The shared test server with what the console's scenario needs: PostgreSQL storage and durable audit, cluster
/// certificates (a PostgreSQL node refuses to start without them), and upstreams on loopback (the emulators) allowed.
/// It tallies the API calls it receives (<see cref="ApiRequests"/>).
/// </summary>
public sealed class ConsoleServer(string connectionString) : QuantaSealTestServer<Program>(state => Settings(state, connectionString))
{
    /// <summary>The API calls this server received, per key.</summary>
    public ApiRequests ApiRequests { get; } = new();

    /// <inheritdoc/>
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(ApiRequests));
    }

    private static Dictionary<string, string?> Settings(string stateDirectory, string connectionString)
    {
        var certificates = Path.Combine(stateDirectory, "cluster");
        QuantaSeal.Grains.Hosting.Cluster.ClusterCertificateGenerator.EnsureDevelopmentCertificates(certificates);
        return new Dictionary<string, string?>
        {
            ["QuantaSeal:Storage"] = "postgres",
            ["QuantaSeal:ConnectionString"] = connectionString,
            ["QuantaSeal:ClusterId"] = "console-" + Guid.NewGuid().ToString("N"),
            ["QuantaSeal:UpstreamAllow:0"] = "http://127.0.0.1:*",
            ["QuantaSeal:Cluster:CertificateDirectory"] = certificates,
            // A small failed-authentication budget (10, one back per second), so that a test spends one address's budget
            // in a dozen attempts however slow the machine is; the other tests fail a sign-in at most twice.
            ["QuantaSeal:RateLimit:FailedAuthBurst"] = "10",
            ["QuantaSeal:RateLimit:FailedAuthPerSecond"] = "1",
        };
    }
}
