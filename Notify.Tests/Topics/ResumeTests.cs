using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

[Collection(UsesNotifyApp.Name)]
public sealed class ResumeTests(NotifyApp app) : IDisposable
{
    private const int BufferMaxEvents = 1_000; // Notify.Api's default

    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    private async Task<List<string>> PublishManyAsync(string topic, int count, string prefix = "e")
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"{prefix}{i}"));
        }

        return ids;
    }

    private static (string Reason, string? LastEventId, string ContinuesAfter) ResetData(SseItem<string> item)
    {
        Assert.Equal("notify.reset", item.EventType);
        using var json = JsonDocument.Parse(item.Data);
        var root = json.RootElement;
        return (root.GetProperty("reason").GetString()!, root.GetProperty("lastEventId").GetString(), root.GetProperty("continuesAfter").GetString()!);
    }

    [Fact]
    public async Task LastEventId_ReplaysTheEventsAfterIt_ThenLiveEvents()
    {
        var topic = Publisher.NewTopic("resume");
        var ids = await PublishManyAsync(topic, 10);

        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[2]);
        var replayed = await subscriber.TakeAsync(7);
        var live = await _http.PublishAsync(topic, "live");

        Assert.Equal(ids.Skip(3), replayed.Select(e => e.EventId));
        Assert.Equal(Enumerable.Range(3, 7).Select(i => $"e{i}"), replayed.Select(e => e.Data));
        Assert.Equal(live, (await subscriber.NextAsync()).EventId);
    }

    [Fact]
    public async Task Earliest_ReplaysTheWholeBufferWithoutAReset()
    {
        var topic = Publisher.NewTopic("earliest");
        var ids = await PublishManyAsync(topic, 5);

        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic, lastEventId: "earliest");

        Assert.Equal(ids, (await subscriber.TakeAsync(5)).Select(e => e.EventId));
        var live = await _http.PublishAsync(topic, "live");
        Assert.Equal(live, (await subscriber.NextAsync()).EventId);
    }

    [Fact]
    public async Task HeaderWinsOverQueryParameter_AndBothQueryNamesWork()
    {
        var topic = Publisher.NewTopic("header-wins");
        var ids = await PublishManyAsync(topic, 6);

        await using (var both = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[3], query: $"?last_event_id={ids[0]}"))
        {
            Assert.Equal(ids.Skip(4), (await both.TakeAsync(2)).Select(e => e.EventId));
        }

        await using (var snake = await SseTestClient.ConnectAsync(_http, topic, query: $"?last_event_id={ids[1]}"))
        {
            Assert.Equal(ids.Skip(2), (await snake.TakeAsync(4)).Select(e => e.EventId));
        }

        await using (var camel = await SseTestClient.ConnectAsync(_http, topic, query: $"?lastEventId={ids[4]}"))
        {
            Assert.Equal(ids.Skip(5), (await camel.TakeAsync(1)).Select(e => e.EventId));
        }
    }

    [Fact]
    public async Task ExpiredId_GetsResetExpired_ThenTheOldestBufferedEvents_AndNoSecondResetWithTheResetsId()
    {
        var topic = Publisher.NewTopic("expired");
        var ids = new ConcurrentDictionary<long, string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, BufferMaxEvents + 20), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var id = await _http.PublishAsync(topic, $"e{i}");
            ids[Publisher.SequenceOf(id)] = id;
        });

        await using (var subscriber = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[3]))
        {
            var reset = await subscriber.NextAsync();
            var (reason, lastEventId, continuesAfter) = ResetData(reset);
            Assert.Equal("expired", reason);
            Assert.Equal(ids[3], lastEventId);
            Assert.Equal(ids[20], continuesAfter);
            Assert.Equal(continuesAfter, reset.EventId);

            var replayed = await subscriber.TakeAsync(BufferMaxEvents);
            Assert.Equal(Enumerable.Range(21, BufferMaxEvents).Select(i => ids[i]), replayed.Select(e => e.EventId));
        }

        await using var reconnected = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[20]);
        var first = await reconnected.NextAsync();
        Assert.Equal("message", first.EventType);
        Assert.Equal(ids[21], first.EventId);
    }

    [Theory]
    [InlineData("malformed", "not-an-id")]
    [InlineData("malformed", "earliest-ish")]
    [InlineData("epoch", "zzzzzzzzzz:2")]
    [InlineData("unknown", "{epoch}:99")]
    public async Task UnusableId_GetsAResetNamingTheReason_ThenTheWholeBuffer(string expectedReason, string lastEventIdTemplate)
    {
        var topic = Publisher.NewTopic("reset-" + expectedReason);
        var ids = await PublishManyAsync(topic, 4);
        var epoch = Publisher.EpochOf(ids[0]);
        var lastEventId = lastEventIdTemplate.Replace("{epoch}", epoch, StringComparison.Ordinal);

        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic, lastEventId: lastEventId);
        var reset = await subscriber.NextAsync();
        var (reason, sent, continuesAfter) = ResetData(reset);

        Assert.Equal(expectedReason, reason);
        Assert.Equal(lastEventId, sent);
        Assert.Equal($"{epoch}:0", continuesAfter);
        Assert.Equal(continuesAfter, reset.EventId);
        Assert.Equal(ids, (await subscriber.TakeAsync(4)).Select(e => e.EventId));

        // Reconnecting with the reset's id (what a browser does) reports nothing twice.
        await using var reconnected = await SseTestClient.ConnectAsync(_http, topic, lastEventId: reset.EventId);
        Assert.Equal(ids, (await reconnected.TakeAsync(4)).Select(e => e.EventId));
        var live = await _http.PublishAsync(topic, "live");
        Assert.Equal(live, (await reconnected.NextAsync()).EventId);
    }

    [Fact]
    public async Task RepeatedReconnects_WhilePublishing_ReceiveEveryEventExactlyOnceInOrder()
    {
        const int total = 400;
        var topic = Publisher.NewTopic("reconnects");
        var published = new List<string>();
        string? lastEventId = null;
        var received = new List<string>();

        // The first connection is live-only, so it must exist before publishing starts.
        var subscriber = await SseTestClient.ConnectAsync(_http, topic);
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                published.Add(await _http.PublishAsync(topic, $"e{i}"));
            }
        });

        var random = new Random(7);
        var reconnects = 0;
        try
        {
            while (received.Count < total)
            {
                // Take a few events, then drop the connection (whatever it had buffered is lost) and resume.
                var take = Math.Min(random.Next(1, 40), total - received.Count);
                var events = await subscriber.TakeAsync(take, TimeSpan.FromSeconds(30));
                received.AddRange(events.Select(e => e.EventId!));
                lastEventId = received[^1];
                await subscriber.DisposeAsync();
                subscriber = await SseTestClient.ConnectAsync(_http, topic, lastEventId: lastEventId);
                reconnects++;
            }

            await publishing;
            Assert.Equal(published, received);
            Assert.True(reconnects > 10);

            var sentinel = await _http.PublishAsync(topic, "sentinel");
            Assert.Equal(sentinel, (await subscriber.NextAsync()).EventId);
        }
        finally
        {
            await subscriber.DisposeAsync();
        }
    }

    [Fact]
    public async Task ResumeDuringConcurrentPublishing_OfMoreThanAThousandEvents_HasNoGapAndNoDuplicate()
    {
        const int phases = 12;
        const int publishers = 4;
        const int perPublisherPerPhase = 25;
        var topic = Publisher.NewTopic("under-load");
        var acknowledged = new ConcurrentDictionary<long, string>();
        foreach (var id in await PublishManyAsync(topic, 100, "warmup"))
        {
            acknowledged[Publisher.SequenceOf(id)] = id;
        }

        // In each phase four publishers publish concurrently while one more subscriber joins:
        // resuming from a recent acknowledged id, or (every third) live.
        var joined = new List<(SseTestClient Client, long After)>();
        try
        {
            for (var phase = 0; phase < phases; phase++)
            {
                var head = acknowledged.Keys.Max();
                var publishing = Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
                {
                    for (var i = 0; i < perPublisherPerPhase; i++)
                    {
                        var id = await _http.PublishAsync(topic, $"phase{phase}-p{p}-{i}");
                        acknowledged[Publisher.SequenceOf(id)] = id;
                    }
                })).ToList();

                var after = phase % 3 == 2 ? -1 : head - 40;
                joined.Add((after < 0
                    ? await SseTestClient.ConnectAsync(_http, topic)
                    : await SseTestClient.ConnectAsync(_http, topic, lastEventId: acknowledged[after]), after));
                await Task.WhenAll(publishing);
            }

            var last = 100L + phases * publishers * perPublisherPerPhase;
            Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), acknowledged.Keys.Order());
            var sentinel = await _http.PublishAsync(topic, "sentinel");

            foreach (var (client, after) in joined)
            {
                if (after >= 0)
                {
                    // Exactly the events after its id, in order, then the sentinel: no gap, no duplicate.
                    var events = await client.TakeAsync((int)(last - after), TimeSpan.FromSeconds(30));
                    Assert.Equal(Enumerable.Range((int)after + 1, (int)(last - after)).Select(i => acknowledged[i]), events.Select(e => e.EventId));
                }
                else
                {
                    // Live-only: a contiguous run ending at the last event.
                    var first = await client.NextAsync();
                    var start = Publisher.SequenceOf(first.EventId!);
                    var rest = await client.TakeAsync((int)(last - start), TimeSpan.FromSeconds(30));
                    Assert.Equal(Enumerable.Range((int)start, (int)(last - start + 1)).Select(i => acknowledged[i]), rest.Prepend(first).Select(e => e.EventId));
                }

                Assert.Equal(sentinel, (await client.NextAsync()).EventId);
            }

            // Everything came through the stream: the fanout never had to read from the grain.
            Assert.Equal(0, app.FanoutOf(topic)!.Repairs);
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
