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
    });

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
