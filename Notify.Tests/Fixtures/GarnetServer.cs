using System.Net.Sockets;
using System.Text;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A real Garnet server (the <c>garnet-server</c> tool from the repository's tool manifest) on 127.0.0.1,
/// with its append-only file in a data directory, started and stopped by its own process id.
/// </summary>
public sealed class GarnetServer : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private ChildProcess? _process;

    /// <summary>A server on <paramref name="port"/> (a free one by default) with its own empty data directory; not started.</summary>
    public GarnetServer(int? port = null)
    {
        Port = port ?? FreePort.Next();
        _dataDirectory = Directory.CreateTempSubdirectory("notify-garnet-").FullName;
    }

    public int Port { get; }

    /// <summary>The connection string clients use (StackExchange.Redis form).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The running server's process id; null while it is stopped.</summary>
    public int? ProcessId => _process?.ProcessId;

    /// <summary>Starts a server on a free port with an empty data directory.</summary>
    public static async Task<GarnetServer> StartNewAsync()
    {
        var server = new GarnetServer();
        await server.StartAsync();
        return server;
    }

    /// <summary>Kills the server and deletes what it stored: the next start is an empty store.</summary>
    public async Task WipeAsync()
    {
        await KillAsync();
        Directory.Delete(_dataDirectory, recursive: true);
        Directory.CreateDirectory(_dataDirectory);
    }

    /// <summary>Starts (again) on the same port and data directory; it recovers what it had acknowledged.</summary>
    public async Task StartAsync()
    {
        _process = ChildProcess.Start("garnet", GarnetTool.StartInfo(Port, _dataDirectory));
        try
        {
            await Eventually.TrueAsync(PingsAsync, $"Garnet answers PING on port {Port}");
        }
        catch
        {
            await KillAsync();
            throw;
        }
    }

    /// <summary>Kills the server (SIGKILL): what it had not made durable is lost.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
