using System.Net.Sockets;
using System.Text;

namespace Notify.Tests.Fixtures;

/// <summary>Requests written byte for byte on a raw socket, for input no HTTP client would send.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/>, optionally closes the sending side, and reads the answer until the server closes.</summary>
    public static async Task<string> ExchangeAsync(Uri server, string request, bool halfClose = false, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        if (halfClose)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        return await ReadToEndAsync(stream, timeout ?? TestTimeouts.Request);
    }

    /// <summary>Sends the headers, then the body one byte every <paramref name="interval"/>, until the server answers or closes.</summary>
    public static async Task<string> SendBodySlowlyAsync(Uri server, string head, int bodyLength, TimeSpan interval, TimeSpan timeout)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = ReadToEndAsync(stream, timeout);
        for (var sent = 0; sent < bodyLength && !answer.IsCompleted; sent++)
        {
            try
            {
                await stream.WriteAsync("x"u8.ToArray());
            }
            catch (IOException)
            {
                break; // the server closed the connection
            }

            await Task.WhenAny(answer, Task.Delay(interval)); // the input itself: a body that trickles in
        }

        return await answer;
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the answer: what arrived is the answer.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
