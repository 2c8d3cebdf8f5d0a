using System.Diagnostics;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A functional guard, not a benchmark: a live event reaches its subscriber within a generous bound, on one silo and
/// through the gateway. A delivery that fell back to the head checks (seconds), or a proxy that buffered the stream,
/// would still deliver every event, and only this bound tells.
/// </summary>
internal static class LiveLatency
{
    /// <summary>The bound: hundreds of times what a delivery takes on an idle machine (about 2 ms), well under a head check.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(500);

    /// <summary>Publishes events one at a time and answers how long each took from its publish request to its subscriber.</summary>
    public static async Task<List<TimeSpan>> MeasureAsync(HttpClient publisher, HttpClient subscriberHttp, string topic, int events)
    {
        await using var subscriber = await SseTestClient.ConnectAsync(subscriberHttp, topic);
        Assert.Equal(await publisher.PublishAsync(topic, "warm-up"), (await subscriber.NextAsync()).EventId); // compiled, cached, routed

        var delays = new List<TimeSpan>();
        for (var i = 0; i < events; i++)
        {
            var watch = Stopwatch.StartNew();
            var id = await publisher.PublishAsync(topic, $"live {i}");
            var received = await subscriber.NextAsync();
            watch.Stop();
            Assert.Equal(id, received.EventId);
            delays.Add(watch.Elapsed);
        }

        return delays;
    }

    public static string Describe(IReadOnlyList<TimeSpan> delays) =>
        string.Join(", ", delays.Select(delay => $"{delay.TotalMilliseconds:0.0} ms"));
}
