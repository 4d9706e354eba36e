using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace QuantaSeal.AdminConsole.Tests.Infrastructure;

/// <summary>
/// The real server (front door + co-hosted silo, PostgreSQL storage and durable audit) on Kestrel with real HTTP on
/// loopback, allowed to reach local emulators (<c>http://127.0.0.1:*</c>); own ports, own key files.
/// </summary>
public sealed class ConsoleServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public ConsoleServer(string connectionString)
    {
        StateDirectory = Directory.CreateTempSubdirectory("qs-console-").FullName;
        // A PostgreSQL node refuses to start without cluster certificates (mutual TLS between silos and front doors).
        var certificates = Path.Combine(StateDirectory, "cluster");
        QuantaSeal.Grains.Hosting.Cluster.ClusterCertificateGenerator.EnsureDevelopmentCertificates(certificates);
        _settings = new Dictionary<string, string?>
        {
            ["QuantaSeal:Storage"] = "postgres",
            ["QuantaSeal:ConnectionString"] = connectionString,
            ["QuantaSeal:OperatorKeyFile"] = Path.Combine(StateDirectory, "operator.key"),
            ["QuantaSeal:MasterKeyFile"] = Path.Combine(StateDirectory, "master.key"),
            ["QuantaSeal:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:ClusterId"] = "console-" + Guid.NewGuid().ToString("N"),
            ["QuantaSeal:UpstreamAllow:0"] = "http://127.0.0.1:*",
            ["QuantaSeal:Cluster:CertificateDirectory"] = certificates,
        };
        UseKestrel(0);
    }

    public string StateDirectory { get; }

    public string OperatorKey => File.ReadAllText(Path.Combine(StateDirectory, "operator.key")).Trim();

    /// <summary>The server's address (<c>http://127.0.0.1:port/</c>).</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    public HttpClient Http()
    {
        StartServer();
        return CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
    }

    public QuantaSeal.Client.QuantaSealClient Sdk(string? apiKey) => new(Http(), apiKey);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(l => l.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
