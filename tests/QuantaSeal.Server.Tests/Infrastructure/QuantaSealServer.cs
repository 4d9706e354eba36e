using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using QuantaSeal.Client;

namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>
/// The real server (front door + co-hosted silo) on Kestrel with real HTTP on loopback, configured through the same
/// options as the command line. Each instance gets its own HTTP, silo and gateway ports and its own key files.
/// </summary>
public sealed class QuantaSealServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public QuantaSealServer(string storage = "memory", string? connectionString = null, string? stateDirectory = null, long? maxBodyBytes = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("qs-server-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["QuantaSeal:Storage"] = storage,
            ["QuantaSeal:ConnectionString"] = connectionString,
            ["QuantaSeal:OperatorKeyFile"] = Path.Combine(StateDirectory, "operator.key"),
            ["QuantaSeal:MasterKeyFile"] = Path.Combine(StateDirectory, "master.key"),
            ["QuantaSeal:SiloPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QuantaSeal:GatewayPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QuantaSeal:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
        };
        if (maxBodyBytes is not null)
        {
            _settings["QuantaSeal:MaxRequestBodyBytes"] = maxBodyBytes.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (storage == "postgres")
        {
            // A PostgreSQL node refuses to start without cluster TLS.
            _settings["QuantaSeal:Cluster:CertificateDirectory"] = TestClusterCertificates.Directory;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    public string StateDirectory { get; }

    public CapturedLogs Logs { get; } = new();

    public string OperatorKey => File.ReadAllText(Path.Combine(StateDirectory, "operator.key")).Trim();

    public HttpClient Http()
    {
        StartServer();
        var client = CreateClient();
        return client;
    }

    public QuantaSealClient Sdk(string? apiKey) => new(Http(), apiKey);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Every level is captured (the tests read it); the console gets warnings and errors only, so that a failing
        // test's report is not buried under request logs.
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning));
    }
}
