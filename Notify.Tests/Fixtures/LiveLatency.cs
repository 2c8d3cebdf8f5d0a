using System.Diagnostics;
using Xunit.Abstractions;

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

    /// <summary>
    /// Publishes 10 events one at a time, each timed from its publish request to its subscriber, prints the delays
    /// (<paramref name="where"/> says where), and asserts each came within <see cref="Bound"/>.
    /// </summary>
    public static async Task AssertEveryEventWithinBoundAsync(HttpClient http, string topic, ITestOutputHelper output, string where)
    {
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic);
        Assert.Equal(await http.PublishAsync(topic, "warm-up"), (await subscriber.NextAsync()).EventId); // compiled, cached, routed

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            var id = await http.PublishAsync(topic, $"live {i}");
            var received = await subscriber.NextAsync();
            watch.Stop();
            Assert.Equal(id, received.EventId);
            delays.Add(watch.Elapsed);
        }

        var described = string.Join(", ", delays.Select(delay => $"{delay.TotalMilliseconds:0.0} ms"));
        output.WriteLine($"publish → receive {where}: {described}");
        Assert.All(delays, delay => Assert.True(delay < Bound, $"an event took {delay.TotalMilliseconds:0} ms: {described}"));
    }
}
