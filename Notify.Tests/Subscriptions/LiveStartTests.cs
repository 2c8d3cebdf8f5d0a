using System.Collections.Concurrent;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>
/// A live-only subscriber (no <c>Last-Event-ID</c>) starts at the topic's head as of its subscription, also when many
/// connect at once or while events are published: every event acknowledged after its stream opened arrives once, in
/// order, and none acknowledged before it connected (the README's "live events only, from the moment of the subscription").
/// </summary>
[Collection(UsesNotifyApp.Name)]
public sealed class LiveStartTests(NotifyApp app) : IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task SubscribersConnectingTogether_EachGetEveryLaterEvent_AndNoEarlierOne()
    {
        var topic = Publisher.NewTopic("live-together");
        var before = await _http.PublishAsync(topic, "before anyone listened");
        var subscribers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SseTestClient.ConnectAsync(_http, topic)));
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await _http.PublishAsync(topic, $"live {i}"));
            }

            foreach (var subscriber in subscribers)
            {
                var received = (await subscriber.TakeAsync(ids.Count)).Select(e => e.EventId!).ToList();
                Assert.Equal(ids, received);
                Assert.DoesNotContain(before, received);
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SubscriberOfAFollowedTopic_StartsAfterTheEventAcknowledgedJustBefore()
    {
        // The topic's fan-out exists and events are on their way to it: a start taken from where this silo's stream is,
        // rather than from the grain, would sometimes hand the new subscriber the event acknowledged just before it came.
        var topic = Publisher.NewTopic("live-after");
        await using var watcher = await SseTestClient.ConnectAsync(_http, topic);
        for (var round = 0; round < 20; round++)
        {
            await _http.PublishAsync(topic, $"before {round}");
            await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);
            var after = await _http.PublishAsync(topic, $"after {round}");
            Assert.Equal(after, (await subscriber.NextAsync()).EventId);
        }
    }

    [Fact]
    public async Task SubscribersConnectingWhilePublishing_GetAContiguousRunToTheEnd_StartingAfterTheirConnect()
    {
        var topic = Publisher.NewTopic("live-race");
        await using var watcher = await SseTestClient.ConnectAsync(_http, topic); // the fan-out exists throughout
        using var stop = new CancellationTokenSource();
        var published = new ConcurrentQueue<string>();
        var publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                published.Enqueue(await _http.PublishAsync(topic, "racing"));
            }
        });

        var joined = new List<(SseTestClient Client, int AcknowledgedBefore)>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var acknowledgedBefore = published.Count; // acknowledged before this connect began: never for this subscriber
                joined.Add((await SseTestClient.ConnectAsync(_http, topic), acknowledgedBefore));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await publishing;
        }

        var last = await _http.PublishAsync(topic, "last");
        var all = published.Append(last).ToList();
        try
        {
            foreach (var (client, acknowledgedBefore) in joined)
            {
                var received = new List<string>();
                while (received.LastOrDefault() != last)
                {
                    received.Add((await client.NextAsync()).EventId!);
                }

                var first = all.IndexOf(received[0]);
                Assert.True(first >= acknowledgedBefore, $"{received[0]}, acknowledged before the subscriber connected, was sent to it");
                Assert.Equal(all.Skip(first), received);
            }
        }
        finally
        {
            foreach (var (client, _) in joined)
            {
                await client.DisposeAsync();
            }
        }
    }
}
