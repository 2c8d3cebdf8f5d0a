using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>The per-silo fan-out: one stream subscription per topic, released with its last subscriber; slow connections kept apart.</summary>
[Collection(UsesNotifyApp.Name)]
public sealed class FanoutTests(NotifyApp app) : IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task OneStreamSubscriptionPerTopic_ReleasedWhenTheLastLocalSubscriberLeaves()
    {
        var topic = Publisher.NewTopic("release");
        var first = await SseTestClient.ConnectAsync(_http, topic);
        var second = await SseTestClient.ConnectAsync(_http, topic);

        Assert.Equal(2, app.FanoutOf(topic)?.Subscriptions.Count);
        Assert.Single(await app.StreamSubscriptionsAsync(topic));

        await first.DisposeAsync();
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.Subscriptions.Count == 1, "the first subscriber is detached");
        Assert.Single(await app.StreamSubscriptionsAsync(topic));
        var id = await _http.PublishAsync(topic, "still flowing");
        Assert.Equal(id, (await second.NextAsync()).EventId);

        await second.DisposeAsync();
        await Eventually.TrueAsync(() => app.FanoutOf(topic) is null, "the fanout is stopped");
        await Eventually.TrueAsync(async () => (await app.StreamSubscriptionsAsync(topic)).Count == 0, "the stream subscription is dropped");
    }

    [Fact]
    public async Task SlowSubscriber_DoesNotDelayOthers_AndIsCutOff()
    {
        var topic = Publisher.NewTopic("slow");
        await using var fast = await SseTestClient.ConnectAsync(_http, topic);

        // A subscriber that stops reading: its TCP window fills, then its send queue.
        using var slowRequest = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        using var slowResponse = await _http.SendAsync(slowRequest, HttpCompletionOption.ResponseHeadersRead);
        await using var slowBody = await slowResponse.Content.ReadAsStreamAsync();

        var payload = new string('x', 16 * 1024);
        var ids = new List<string>();
        for (var i = 0; i < 1_400; i++)
        {
            ids.Add(await _http.PublishAsync(topic, payload));
        }

        // The fast subscriber got everything while the slow one was stuck.
        Assert.Equal(ids, (await fast.TakeAsync(ids.Count, TimeSpan.FromSeconds(60))).Select(e => e.EventId));

        // Reading now, the slow subscriber finds a contiguous prefix, then the end of its stream: it was dropped for not
        // reading (SlowConsumerTests pins the notify.lagged event and the drop's timing).
        var received = new List<System.Net.ServerSentEvents.SseItem<string>>();
        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(slowBody).EnumerateAsync(readTimeout.Token))
            {
                received.Add(item);
            }
        }
        catch (IOException)
        {
            // The server aborted the stuck connection.
        }

        var events = received.Where(e => e.EventType == "message").ToList();
        Assert.True(events.Count < ids.Count, "the slow subscriber was cut off");
        Assert.Equal(ids.Take(events.Count), events.Select(e => e.EventId));
    }
}
