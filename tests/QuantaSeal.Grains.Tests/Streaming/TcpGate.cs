using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>
/// A loopback TCP relay in front of PostgreSQL that a test can cut: <see cref="GateMode.Refuse"/> resets every
/// connection (a stopped server or closed port), <see cref="GateMode.BlackHole"/> keeps connections open but lets
/// nothing through (a hung server or a silent network), <see cref="GateMode.Open"/> relays.
/// </summary>
internal sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private volatile GateMode _mode = GateMode.Open;

    private TcpGate(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    internal enum GateMode
    {
        Open,
        Refuse,
        BlackHole,
    }

    /// <summary>A gate in front of the server of <paramref name="connectionString"/> (an IP host).</summary>
    internal static TcpGate For(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new TcpGate(new IPEndPoint(IPAddress.Parse(builder.Host!), builder.Port));
    }

    /// <summary>The same connection string, through the gate.</summary>
    internal string Route(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = IPAddress.Loopback.ToString(),
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
        }.ConnectionString;

    internal void Set(GateMode mode)
    {
        _mode = mode;
        if (mode == GateMode.Refuse)
        {
            foreach (var socket in _open.Keys)
            {
                Reset(socket);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var socket in _open.Keys)
        {
            Reset(socket);
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_mode == GateMode.Refuse)
            {
                Reset(client);
                continue;
            }

            _open[client] = 0;
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Reset(client);
            Reset(upstream);
        }
    }

    // Bytes read while the gate is a black hole are dropped, so neither side ever hears back.
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                return;
            }

            if (_mode == GateMode.Open)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
    }

    private void Reset(Socket socket)
    {
        _open.TryRemove(socket, out _);
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
