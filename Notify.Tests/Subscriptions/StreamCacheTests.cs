using Notify.Tests.Diagnostics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>
/// A silo's stream cache keeps events only for <c>Notify:Streams:CacheWindow</c> after handing them on: Orleans' memory
/// streams would otherwise keep every event for 30 minutes, and a busy silo would grow by all of them.
/// </summary>
[Collection(MeasuresTheProcess.Name)]
public sealed class StreamCacheTests(StreamCacheTests.App app) : IClassFixture<StreamCacheTests.App>
{
    private const int Published = 60;
    private const string Added = "orleans_streams_queue_cache_messages_added_total";
    private const string Purged = "orleans_streams_queue_cache_messages_purged_total";

    [Fact]
    public async Task EventsOlderThanTheCacheWindow_LeaveTheStreamCache_AndEveryEventStillArrivesInOrder()
    {
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("stream-cache");
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic);

        var ids = new List<string>();
        for (var i = 0; i < Published; i++)
        {
            ids.Add(await http.PublishAsync(topic, $"cached {i}"));
        }

        // The stream brought them through the cache. It counts stream messages, which may carry several events each;
        // Orleans' own cache-length gauge is refreshed only every few minutes, so what it holds is added less purged.
        var first = await subscriber.TakeAsync(Published);
        Assert.Equal(ids, first.Select(e => e.EventId));
        PrometheusText scrape = null!;
        await Eventually.TrueAsync(async () => (scrape = await PrometheusText.ScrapeAsync(http)).Value(Added) > 0, "the stream cache counts what it took");

        // Later events push the first ones out of the window (a purge needs a newer event a window younger).
        await Eventually.TrueAsync(
            async () =>
            {
                ids.Add(await http.PublishAsync(topic, $"later {ids.Count}"));
                scrape = await PrometheusText.ScrapeAsync(http);
                return scrape.Value(Purged) >= Published;
            },
            $"the stream cache purges {Published} messages",
            timeout: TimeSpan.FromSeconds(30));

        Assert.InRange(scrape.Value(Added) - scrape.Value(Purged), 0, ids.Count - Published);
        var later = await subscriber.TakeAsync(ids.Count - Published);
        Assert.Equal(ids[Published..], later.Select(e => e.EventId));
    }

    /// <summary>An app whose stream cache keeps events for one second.</summary>
    public sealed class App() : NotifyApp(new Dictionary<string, string?> { ["Notify:Streams:CacheWindow"] = "00:00:01" });
}
