using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
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
    private readonly Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? _configureServices;

    public QuantaSealServer(string storage = "memory", string? connectionString = null, string? stateDirectory = null, long? maxBodyBytes = null, IReadOnlyDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        _configureServices = configureServices;
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
            ["QuantaSeal:ManagementPort"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
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

        // Kestrel on the addresses the server itself configures: the public listener (a free port) plus the management
        // listener the server adds (UseKestrel(port) would replace both with one address).
        _settings["urls"] = "http://127.0.0.1:0";
        UseKestrel();
    }

    public string StateDirectory { get; }

    public CapturedLogs Logs { get; } = new();

    public string OperatorKey => File.ReadAllText(Path.Combine(StateDirectory, "operator.key")).Trim();

    public HttpClient Http()
    {
        StartServer();
        // The factory points its clients at the last bound address; make it the public listener, not the management one.
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        var management = $":{ManagementPort}";
        ClientOptions.BaseAddress = new Uri(addresses.First(a => !a.TrimEnd('/').EndsWith(management, StringComparison.Ordinal)) + "/");
        var client = CreateClient();
        return client;
    }

    public QuantaSealClient Sdk(string? apiKey) => new(Http(), apiKey);

    /// <summary>The management listener's port (<c>/metrics</c>, <c>/dashboard</c>), unless a test turned it off.</summary>
    public int ManagementPort => int.Parse(_settings["QuantaSeal:ManagementPort"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A client of the management listener, sending the operator key unless told otherwise.</summary>
    public HttpClient Management(bool withOperatorKey = true)
    {
        StartServer();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        if (withOperatorKey)
        {
            client.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Every level is captured (the tests read it); the console gets warnings and errors only, so that a failing
        // test's report is not buried under request logs.
        if (_configureServices is not null)
        {
            builder.ConfigureServices(_configureServices);
        }

        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning));
    }
}
