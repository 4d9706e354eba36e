extern alias server;

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace QuantaSeal.Client.Tests.Infrastructure;

/// <summary>
/// The real server (front door + co-hosted silo, in-memory storage) on Kestrel with real HTTP on loopback, configured
/// the way tests/QuantaSeal.Server.Tests/Infrastructure/QuantaSealServer.cs does: own ports, own key files.
/// </summary>
internal sealed class TestServer : WebApplicationFactory<server::Program>
{
    private readonly Dictionary<string, string?> _settings;

    public TestServer(IReadOnlyDictionary<string, string?>? settings = null)
    {
        StateDirectory = Directory.CreateTempSubdirectory("qs-client-server-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["QuantaSeal:Storage"] = "memory",
            ["QuantaSeal:OperatorKeyFile"] = Path.Combine(StateDirectory, "operator.key"),
            ["QuantaSeal:MasterKeyFile"] = Path.Combine(StateDirectory, "master.key"),
            ["QuantaSeal:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    public string StateDirectory { get; }

    public string OperatorKey => File.ReadAllText(Path.Combine(StateDirectory, "operator.key")).Trim();

    public HttpClient Http()
    {
        StartServer();
        return CreateClient();
    }

    public QuantaSealClient Sdk(string? apiKey) => new(Http(), apiKey);

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

        // Warnings and errors only on the console, so that a failing test's report is not buried under request logs.
        builder.ConfigureLogging(l => l.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
