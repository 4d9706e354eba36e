using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace QuantaSeal.Tests.Shared;

/// <summary>
/// The real server (front door + co-hosted silo) on Kestrel with real HTTP on loopback, the way the server tests
/// configure it: own silo and gateway ports, own cluster id, own key files in a temporary state directory, in-memory
/// storage unless the settings say otherwise. Shared by the SDK tests and the console's browser tests.
/// </summary>
/// <typeparam name="TProgram">The server's <c>Program</c> (a type argument, because the SDK tests reference the server under an alias).</typeparam>
public class QuantaSealTestServer<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly Dictionary<string, string?> _settings;

    /// <summary>A server with <paramref name="settings"/> on top of the defaults.</summary>
    public QuantaSealTestServer(IReadOnlyDictionary<string, string?>? settings = null)
        : this(_ => settings ?? new Dictionary<string, string?>())
    {
    }

    /// <summary>A server whose extra settings depend on its state directory (key files, certificates).</summary>
    public QuantaSealTestServer(Func<string, IReadOnlyDictionary<string, string?>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        StateDirectory = Directory.CreateTempSubdirectory("qs-test-server-").FullName;
        _settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["QuantaSeal:Storage"] = "memory",
            ["QuantaSeal:OperatorKeyFile"] = Path.Combine(StateDirectory, "operator.key"),
            ["QuantaSeal:MasterKeyFile"] = Path.Combine(StateDirectory, "master.key"),
            ["QuantaSeal:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:ManagementPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["QuantaSeal:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
        };
        foreach (var (key, value) in settings(StateDirectory))
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    /// <summary>The server's own temporary folder (key files), deleted on dispose.</summary>
    public string StateDirectory { get; }

    /// <summary>The operator key the server generated at start.</summary>
    public string OperatorKey => File.ReadAllText(Path.Combine(StateDirectory, "operator.key")).Trim();

    /// <summary>The server's address (<c>http://127.0.0.1:port/</c>); starts the server.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    /// <summary>A client of the server: no redirects followed, no cookies kept.</summary>
    public HttpClient Http()
    {
        StartServer();
        return CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
    }

    /// <summary>The SDK acting with <paramref name="apiKey"/> (null: operator calls only).</summary>
    public QuantaSeal.Client.QuantaSealClient Sdk(string? apiKey) => new(Http(), apiKey);

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }

    /// <inheritdoc/>
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
