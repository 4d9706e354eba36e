using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using QuantaSeal.Client;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>
/// The server as a separate operating-system process, started with real command-line options, exactly as an
/// operator runs it. Output is captured so tests can check what it logs.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static string ServerDll
    {
        get
        {
            var configuration = typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var dll = Path.Combine(RepositoryRoot, "src", "QuantaSeal.Server", "bin", configuration, "net10.0", "QuantaSeal.Server.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"Server build not found at {dll}; build the solution first.");
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantaSeal.Orleans.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Repository root (QuantaSeal.Orleans.sln) not found.");
        }
    }

    /// <summary>What every test node is given: its key files in <paramref name="dir"/>, and free silo and gateway ports.</summary>
    public static string[] NodeArgs(string dir) =>
    [
        "--operator-key-file", Path.Combine(dir, "operator.key"),
        "--master-key-file", Path.Combine(dir, "master.key"),
        "--silo-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--gateway-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    /// <summary>An in-memory node (the quick trial) keeping its key files in <paramref name="dir"/>.</summary>
    public static string[] MemoryArgs(string dir) => ["--storage", "memory", .. NodeArgs(dir)];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server with <paramref name="args"/> (an <c>--urls</c> is added) without waiting.</summary>
    public static ServerProcess Launch(IEnumerable<string> args, int? httpPort = null)
    {
        var port = httpPort ?? FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.CreateTempSubdirectory("qs-proc-").FullName,
        };
        info.ArgumentList.Add(ServerDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        var list = args.ToList();
        foreach (var arg in list)
        {
            info.ArgumentList.Add(arg);
        }

        // Every process gets its own management listener port (the default, 9464, is one per host).
        if (!list.Contains("--management-port"))
        {
            info.ArgumentList.Add("--management-port");
            info.ArgumentList.Add(FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // A PostgreSQL node refuses to start without cluster TLS: tests that do not choose otherwise get the shared
        // test CA's node certificate.
        if (list.Contains("postgres") && !list.Any(a => a.StartsWith("--cluster-", StringComparison.Ordinal)))
        {
            info.ArgumentList.Add("--cluster-cert-dir");
            info.ArgumentList.Add(TestClusterCertificates.Directory);
        }

        info.Environment.Remove("QUANTASEAL_MASTER_KEY");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Starts the server and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> args, CancellationToken cancellationToken, int? httpPort = null)
    {
        var server = Launch(args, httpPort);
        await server.WaitReadyAsync(cancellationToken);
        return server;
    }

    public HttpClient Http() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public QuantaSealClient Sdk(string? apiKey) => new(Http(), apiKey);

    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntil.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Server exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    using var response = await http.GetAsync("readyz", cancellationToken);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false; // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return false; // Slow start.
                }
            },
            TimeSpan.FromSeconds(90),
            () => "server ready:\n" + Output,
            cancellationToken,
            TimeSpan.FromMilliseconds(250));
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Graceful stop (SIGTERM), as a service manager does.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await WaitForExitAsync(cancellationToken);
    }

    /// <summary>Hard kill (SIGKILL): no shutdown code runs.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
