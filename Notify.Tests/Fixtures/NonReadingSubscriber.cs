using System.Net.Sockets;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A subscriber that opens a stream and then reads nothing until told to: its socket's receive buffer is small, so the
/// server's writes back up at once, as with a stalled mobile client or a hostile one.
/// </summary>
public sealed class NonReadingSubscriber : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;

    private NonReadingSubscriber(HttpClient http, HttpResponseMessage response, Stream body)
    {
        _http = http;
        _response = response;
        Body = body;
    }

    /// <summary>The stream's body: read it to see what the server managed to send.</summary>
    public Stream Body { get; }

    public static Task<NonReadingSubscriber> ConnectAsync(Uri baseAddress, string topic) => ConnectToAsync(baseAddress, $"topics/{topic}");

    /// <summary>Opens the stream at <paramref name="path"/> (e.g. several topics: <c>topics?topic=a&amp;topic=b</c>).</summary>
    public static async Task<NonReadingSubscriber> ConnectToAsync(Uri baseAddress, string path)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TestTimeouts.Request }; // bounds the answer; the body is read afterwards
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new NonReadingSubscriber(http, response, await response.Content.ReadAsStreamAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync();
        _response.Dispose();
        _http.Dispose();
    }
}
