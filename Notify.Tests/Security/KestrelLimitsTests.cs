using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Kestrel's limits cut requests that trickle in (HostileInputTests: slowloris, slow bodies), never a quiet stream:
/// here with 2 s for headers and keep-alive, a stream with no events for three times that still delivers.
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
        ["Kestrel:Sockets:IOQueueCount"] = "1",
    });

    [Fact]
    public void TheSocketsTransport_TakesItsOptionsFromKestrelSockets()
    {
        var transport = app.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>>().Value;
        Assert.Equal(1, transport.IOQueueCount);
        Assert.False(transport.UnsafePreferInlineScheduling); // the default, measured best for many quiet topics
    }

    [Fact]
    public async Task AQuietStream_OutlivesTheTimeouts_AndDelivers()
    {
        var topic = Publisher.NewTopic("quiet");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = new RawStreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("retry:", await stream.ReadUntilAsync("\n\n"), StringComparison.Ordinal);

        // Nothing to say but heartbeats (one a second) for three times the timeouts: the stream is still open.
        var quietFor = TimeSpan.Zero;
        while (quietFor < Timeout * 3)
        {
            Assert.Equal(":\n\n", await stream.ReadUntilAsync("\n\n"));
            quietFor += TimeSpan.FromSeconds(1);
        }

        var id = await _http.PublishAsync(topic, "still here");
        Assert.StartsWith($"id: {id}\n", await stream.ReadUntilAsync("\n\n", skipHeartbeats: true), StringComparison.Ordinal);
    }
}
