using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace QuantaSeal.Tests.Shared;

/// <summary>
/// A loopback TCP relay between a silo (in a test cluster or a server process) and PostgreSQL, so a test can make the
/// database really unreachable for it without touching the database itself (other tests share it).
/// <list type="bullet">
/// <item><see cref="RelayMode.Refuse"/>: every open connection is reset and every new one is reset on accept (a
/// stopped server, a closed port).</item>
/// <item><see cref="RelayMode.Partition"/>: connections stay up but no byte moves in either direction, and new
/// connections are accepted and then left silent (a network partition or a hung server). When the partition heals
/// (<see cref="RelayMode.Open"/>), the connections that lived through it are reset, as when a firewall or NAT forgets
/// them: nothing sent into the partition arrives late. (In a real partition TCP may deliver a statement after its
/// client gave up, so a refused action could still leave an event; tests of "refused means not recorded" must not
/// depend on that race, so this relay rules it out.)</item>
/// <item><see cref="RelayMode.Open"/>: relays.</item>
/// </list>
/// </summary>
internal sealed class PostgresRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<Socket, bool> _sockets = new();
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private RelayMode _mode = RelayMode.Open;
    private int _accepted;
    private TaskCompletionSource _opened = NewOpenSignal(completed: true);

    private PostgresRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    internal enum RelayMode
    {
        Open,
        Refuse,
        Partition,
    }

    /// <summary>Connections accepted so far (a measure of how hard the server tried to reach the database).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>A relay in front of the PostgreSQL server named by <paramref name="connectionString"/> (host must be an IP).</summary>
    public static PostgresRelay InFrontOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = builder.Host ?? throw new ArgumentException("The connection string names no host.", nameof(connectionString));
        return new PostgresRelay(new IPEndPoint(IPAddress.Parse(host), builder.Port));
    }

    /// <summary><paramref name="connectionString"/> with host and port replaced by the relay's.</summary>
    public string Route(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = IPAddress.Loopback.ToString(),
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
        }.ConnectionString;

    public void Set(RelayMode mode)
    {
        lock (_gate)
        {
            var healing = _mode == RelayMode.Partition && mode == RelayMode.Open;
            _mode = mode;
            if (healing)
            {
                // Before the pumps wake up: what they hold was sent into the partition and is dropped with its connection.
                foreach (var socket in _sockets.Keys)
                {
                    Reset(socket);
                }
            }

            if (mode == RelayMode.Open)
            {
                _opened.TrySetResult();
            }
            else if (_opened.Task.IsCompleted)
            {
                _opened = NewOpenSignal(completed: false);
            }
        }

        if (mode == RelayMode.Refuse)
        {
            foreach (var socket in _sockets.Keys)
            {
                Reset(socket);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _listener.Stop();
        foreach (var socket in _sockets.Keys)
        {
            Reset(socket);
        }

        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _disposed.Dispose();
    }

    private static TaskCompletionSource NewOpenSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    private RelayMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode;
            }
        }
    }

    private Task WhenOpen()
    {
        lock (_gate)
        {
            return _opened.Task;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_disposed.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_disposed.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            if (Mode == RelayMode.Refuse)
            {
                Reset(client);
                continue;
            }

            _sockets[client] = true;
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets[server] = true;
        try
        {
            await server.ConnectAsync(_target, _disposed.Token);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side went away or the relay was disposed; both ends are closed below.
        }
        finally
        {
            Reset(client);
            Reset(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            // Wait before reading too: during a partition nothing is taken off the wire, as if the peer were silent.
            await WhenOpen().WaitAsync(_disposed.Token);
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _disposed.Token);
            if (read == 0)
            {
                return;
            }

            await WhenOpen().WaitAsync(_disposed.Token);
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _disposed.Token);
        }
    }

    private void Reset(Socket socket)
    {
        _sockets.TryRemove(socket, out _);
        try
        {
            // Linger 0: close sends RST, so the peer sees a reset connection rather than an orderly end.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
