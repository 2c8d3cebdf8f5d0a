using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>The stream is the fast path, the grain the truth: events the stream loses still arrive.</summary>
public sealed class StreamRepairTests(FastStreamCheckApp app) : IClassFixture<FastStreamCheckApp>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task LostStreamMessages_AreNoticedAndReadFromTheGrain()
    {
        var topic = Publisher.NewTopic("lost");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);

        // Drop the silo's stream subscription behind the fanout's back: from now on every stream message is lost.
        app.ExpectWarnings(ExpectedWarnings.StreamBroken);
        foreach (var handle in await app.StreamSubscriptionsAsync(topic))
        {
            await handle.UnsubscribeAsync();
        }

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"lost {i}"));
        }

        var events = await subscriber.TakeAsync(3, FastStreamCheckApp.StreamCheckInterval * 3 + TestTimeouts.Event);
        Assert.Equal(ids, events.Select(e => e.EventId));
        Assert.True(app.FanoutOf(topic)!.Repairs > 0);

        // The fanout noticed its subscription was gone and took a new one: the stream carries events again.
        await Eventually.TrueAsync(async () => (await app.StreamSubscriptionsAsync(topic)).Count == 1, "the fanout subscribed again");
        var next = await _http.PublishAsync(topic, "after resubscribing");
        Assert.Equal(next, (await subscriber.NextAsync()).EventId);
    }
}
