using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Notify.Tests.Security;

/// <summary>
/// One TCP connection to the app on 127.0.0.1, for bytes no HttpClient would send. Everything received is kept, so
/// the answers can be parsed (<see cref="RawResponse"/>) and searched for leaked internals.
/// </summary>
public sealed class RawConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _received = new();
    private readonly byte[] _buffer = new byte[16 * 1024];

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Whether the server closed (or reset) the connection.</summary>
    public bool Closed { get; private set; }

    /// <summary>Every byte received so far.</summary>
    public byte[] Received => _received.ToArray();

    public static async Task<RawConnection> OpenAsync(int port)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(Fixtures.TestTimeouts.Connect);
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return new RawConnection(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends bytes; false when the server had already closed the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _stream.WriteAsync(bytes);
            return true;
        }
        catch (IOException)
        {
            Closed = true;
            return false;
        }
    }

    public Task<bool> SendAsync(string latin1) => SendAsync(Encoding.Latin1.GetBytes(latin1));

    /// <summary>Sends nothing more: the server sees end of input (a half-closed connection).</summary>
    public void ShutdownSend() => _client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Reads until the server closes the connection; false when it was still open after <paramref name="timeout"/>.</summary>
    public Task<bool> ReadToEndAsync(TimeSpan timeout) => ReadUntilAsync(_ => false, timeout);

    /// <summary>
    /// Reads until <paramref name="done"/> holds for everything received, or the connection closes; false when neither
    /// happened within <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> ReadUntilAsync(Func<byte[], bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Closed && !done(Received))
        {
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            using var cancel = new CancellationTokenSource(left);
            try
            {
                var read = await _stream.ReadAsync(_buffer, cancel.Token);
                if (read == 0)
                {
                    Closed = true;
                }

                _received.Write(_buffer, 0, read);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return false;
            }
            catch (IOException)
            {
                Closed = true; // reset by the server: closed as well
            }
        }

        return true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
        _received.Dispose();
    }
}
