using System.Net;
using System.Net.Sockets;

namespace QuantaSeal.LoadTests.Infrastructure;

internal static class Ports
{
    /// <summary>A loopback port that was free a moment ago (the OS hands out ephemeral ports in a cycle).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
