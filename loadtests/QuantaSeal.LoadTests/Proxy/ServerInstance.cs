using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>
/// The server as an operator runs it (<c>dotnet QuantaSeal.Server.dll --storage postgres ...</c>) with its own ports,
/// database, operator key and master key, and <c>--audit-transport durable|memory</c>. Logging is the product's default
/// (what an operator gets with no appsettings.json), or every category at Warning when asked for; the same for both
/// transports.
/// </summary>
internal sealed class ServerInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerInstance(Process process, Uri baseAddress, string directory, string transport)
    {
        _process = process;
        BaseAddress = baseAddress;
        Directory = directory;
        Transport = transport;
    }

    public Uri BaseAddress { get; }

    public string Directory { get; }

    public string Transport { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServerInstance> StartAsync(string transport, string connectionString, string? cpus, bool warningLogsOnly, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("qs-load-" + transport + "-").FullName;
        var port = Ports.Free();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        // Pinned through taskset so every thread of the server (and its thread pool's idea of the core count) follows.
        var info = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        if (cpus is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add("dotnet");
        }

        foreach (var arg in new[]
        {
            Repository.ServerDll,
            "--urls", baseAddress.AbsoluteUri.TrimEnd('/'),
            "--storage", "postgres",
            "--connection-string", connectionString,
            "--audit-transport", transport,
            "--silo-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
            "--management-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
            "--operator-key-file", Path.Combine(directory, "operator.key"),
            "--master-key-file", Path.Combine(directory, "master.key"),
            "--upstream-allow", "http://127.0.0.1:*",
            "--cluster-cert-dir", ClusterCertificateDirectory(directory),
        })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("QUANTASEAL_MASTER_KEY");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // One API key carries the whole load: lift the per-key limit (1000/s) so the run measures the proxy, not 429s.
        info.Environment["QuantaSeal__RateLimit__PerKeyPerSecond"] = "1000000";
        info.Environment["QuantaSeal__RateLimit__PerKeyBurst"] = "1000000";
        if (warningLogsOnly)
        {
            info.Environment["Logging__LogLevel__Default"] = "Warning";
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerInstance(process, baseAddress, directory, transport);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>A local cluster CA and node certificate (a PostgreSQL node refuses to start without cluster TLS).</summary>
    private static string ClusterCertificateDirectory(string directory)
    {
        var dir = Path.Combine(directory, "cluster");
        QuantaSeal.Grains.Hosting.Cluster.ClusterCertificateGenerator.EnsureDevelopmentCertificates(dir);
        return dir;
    }

    public async Task<string> OperatorKeyAsync(CancellationToken cancellationToken) =>
        (await File.ReadAllTextAsync(Path.Combine(Directory, "operator.key"), cancellationToken)).Trim();

    public HttpClient Http() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

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

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Graceful first (the silo leaves the cluster table and releases its stream queues), then hard.
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        while (clock.GetElapsedTime(started) < TimeSpan.FromSeconds(120))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"server ({Transport}) exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow start.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"server ({Transport}) not ready in time:\n{Output}");
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
