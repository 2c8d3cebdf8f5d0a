using System.Net;
using System.Net.Sockets;

namespace Notify.Tests.Fixtures;

/// <summary>Ports for silos started by tests, so they never collide with each other or a developer's own silo.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
