using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Kestrel's limits cut requests that trickle in, never a quiet stream: here with 2 s for headers and keep-alive,
/// a slowloris is closed after about 2 s while a stream with no events for several times that still delivers.
/// </summary>
public sealed class KestrelLimitsTests(KestrelLimitsTests.App app) : IClassFixture<KestrelLimitsTests.App>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : NotifyApp(new Dictionary<string, string?>
    {
        ["Kestrel:Limits:RequestHeadersTimeout"] = Timeout.ToString(),
        ["Kestrel:Limits:KeepAliveTimeout"] = Timeout.ToString(),
        ["Notify:Sse:HeartbeatInterval"] = "00:00:01",
    });

    [Fact]
    public async Task Slowloris_IsCutAfterTheHeadersTimeout()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        var stream = client.GetStream();
        var started = Stopwatch.StartNew();
        var request = Encoding.ASCII.GetBytes("GET /topics/slow HTTP/1.1\r\nHost: test\r\nX-Slow: " + new string('a', 200));
        var closed = false;
        for (var i = 0; i < request.Length && !closed; i++)
        {
            try
            {
                await stream.WriteAsync(request.AsMemory(i, 1));
                // The input itself: one byte every 200 ms, never finishing the headers.
                closed = client.Client.Poll(200_000, SelectMode.SelectRead) && client.Client.Available == 0;
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the server never closed the connection");
        Assert.InRange(started.Elapsed, Timeout - TimeSpan.FromMilliseconds(300), Timeout + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AQuietStream_OutlivesTheTimeouts_AndDelivers()
    {
        var topic = Publisher.NewTopic("quiet");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);
        await Task.Delay(Timeout * 3); // the input itself: a stream with nothing to say for three times the timeouts

        Assert.False(subscriber.Completion.IsCompleted);
        var id = await _http.PublishAsync(topic, "still here");
        Assert.Equal(id, (await subscriber.NextAsync()).EventId);
    }
}
