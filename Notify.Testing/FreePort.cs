using System.Net;
using System.Net.Sockets;

namespace Notify.Testing;

/// <summary>Ports for the servers a test or a benchmark starts, on 127.0.0.1 only.</summary>
public static class FreePort
{
    /// <summary>A port on 127.0.0.1 nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
