using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Notify.Testing;

/// <summary>Ports for the servers a test or a benchmark starts, on 127.0.0.1 only.</summary>
/// <remarks>
/// Chosen below the kernel's ephemeral range, and never the same twice in a process. A port the kernel picks for a bind
/// to port 0 is an ephemeral one: between being chosen and the server listening on it, an outgoing connection of any
/// process (a silo's to the store or to another silo) could take it, and the next bind to 0 can return it again. Both
/// happened: a silo given the same port for Orleans and for HTTP, and a gateway that could not listen.
/// </remarks>
public static class FreePort
{
    private const int LowestPort = 20_000;

    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Given = [];
    private static readonly int EphemeralStart = ReadEphemeralStart();
    private static int _candidate = LowestPort + Random.Shared.Next(Math.Max(1, EphemeralStart - LowestPort)); // processes start apart

    /// <summary>A port on 127.0.0.1 nothing listens on right now, not handed out before by this process.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            if (EphemeralStart - LowestPort < 1_000)
            {
                return NextEphemeral(); // the kernel's range starts too low to choose below it
            }

            for (var tried = 0; tried < EphemeralStart - LowestPort; tried++)
            {
                var port = _candidate;
                _candidate = _candidate + 1 < EphemeralStart ? _candidate + 1 : LowestPort;
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free port between {LowestPort} and {EphemeralStart} on 127.0.0.1.");
        }
    }

    private static int NextEphemeral()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.Add(port))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Where the kernel's ephemeral ports start (Linux; elsewhere IANA's 49152).</summary>
    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49_152;
        }
    }
}
