using System.Diagnostics;
using System.Net.ServerSentEvents;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>
/// Subscribers that cannot keep up. One that reads late gets every event it can, then exactly one <c>notify.lagged</c>
/// naming the last of them, then the end of its stream. One that never reads is dropped within the write timeout
/// whatever it does, its subscription and buffers freed; the others on the topic get everything meanwhile.
/// </summary>
public sealed class SlowConsumerTests
{
    private const int QueueLimit = 16;
    private static readonly string Payload = new('x', 16 * 1024);

    public sealed class PatientApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Sse:SendQueueLimit"] = QueueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notify:Sse:WriteTimeout"] = "00:02:00", // long: the late reader must get the lagged event, not be dropped first
    });

    public sealed class StrictApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Sse:SendQueueLimit"] = QueueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notify:Sse:WriteTimeout"] = WriteTimeout.ToString(),
    });

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ALateReader_GetsAContiguousPrefix_ThenExactlyOneNotifyLaggedNamingItsLastEvent_ThenTheEnd()
    {
        await using var app = new PatientApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("late");
        await using var fast = await SseTestClient.ConnectAsync(http, topic);
        await using var late = await NonReadingSubscriber.ConnectAsync(app.BaseAddress, topic);
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.Subscriptions.Count == 2, "both subscribers are attached");

        // Publish until the late reader's queue overflows (its socket is full first). Each event reaches the fast
        // subscriber before the next is published: its queue holds 16 events too, and it must never lag.
        var ids = new List<string>();
        while (!app.FanoutOf(topic)!.Subscriptions.Any(s => s.Lagged))
        {
            Assert.True(ids.Count < 2_000, "the late reader's queue never overflowed");
            ids.Add(await http.PublishAsync(topic, Payload));
            Assert.Equal(ids[^1], (await fast.NextAsync()).EventId);
        }

        var received = new List<SseItem<string>>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var item in SseParser.Create(late.Body).EnumerateAsync(timeout.Token))
        {
            received.Add(item);
        }

        var events = received.Where(e => e.EventType == "message").ToList();
        Assert.InRange(events.Count, 1, ids.Count - QueueLimit - 1);
        Assert.Equal(ids.Take(events.Count), events.Select(e => e.EventId));
        Assert.Equal(events.Count + 1, received.Count);
        var lagged = received[^1];
        Assert.Equal("notify.lagged", lagged.EventType);
        Assert.Null(lagged.EventId);
        Assert.Equal($"{{\"lastEventId\":\"{events[^1].EventId}\",\"queueLimit\":{QueueLimit}}}", lagged.Data);
    }

    [Fact]
    public async Task ALateReaderOfSeveralTopics_GetsOneNotifyLagged_NamingTheTopicAndTheStreamsLastId_ThenTheEnd()
    {
        await using var app = new PatientApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var (busy, quiet) = (Publisher.NewTopic("late-busy"), Publisher.NewTopic("late-quiet"));
        await using var fast = await SseTestClient.ConnectAsync(http, busy);
        await using var late = await NonReadingSubscriber.ConnectToAsync(app.BaseAddress, $"topics?topic={busy}&topic={quiet}");
        await Eventually.TrueAsync(() => app.FanoutOf(busy)?.Subscriptions.Count == 2 && app.FanoutOf(quiet)?.Subscriptions.Count == 1, "both streams are attached");

        var ids = new List<string>();
        while (!app.FanoutOf(busy)!.Subscriptions.Any(s => s.Lagged))
        {
            Assert.True(ids.Count < 2_000, "the late reader's queue never overflowed");
            ids.Add(await http.PublishAsync(busy, Payload));
            Assert.Equal(ids[^1], (await fast.NextAsync()).EventId);
        }

        var received = new List<SseItem<string>>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var item in SseParser.Create(late.Body).EnumerateAsync(timeout.Token))
        {
            received.Add(item);
        }

        var events = received[..^1];
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(busy, e.EventType));
        var lagged = received[^1];
        Assert.Equal("notify.lagged", lagged.EventType);
        Assert.Equal($"{{\"topic\":\"{busy}\",\"lastEventId\":\"{events[^1].EventId}\",\"queueLimit\":{QueueLimit}}}", lagged.Data);
        await Eventually.TrueAsync(() => app.FanoutOf(quiet) is null, "the quiet topic's lane ended with the stream");
    }

    [Fact]
    public async Task ASubscriberThatNeverReads_IsDroppedWithinTheWriteTimeout_AndFreed_WhileTheOthersGetEverything()
    {
        await using var app = new StrictApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("stuck");
        await using var fast = await SseTestClient.ConnectAsync(http, topic);
        await using var stuck = await NonReadingSubscriber.ConnectAsync(app.BaseAddress, topic);
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.Subscriptions.Count == 2, "both subscribers are attached");

        // Up to ~10 MB: far more than the socket buffers, Kestrel's buffer and the queue hold. Each event reaches the fast
        // subscriber before the next is published, so only the stuck one can fall behind; once it has, the clock runs.
        var ids = new List<string>();
        Stopwatch? behind = null;
        for (var i = 0; i < 600 && app.FanoutOf(topic)!.Subscriptions.Count == 2; i++)
        {
            ids.Add(await http.PublishAsync(topic, Payload));
            Assert.Equal(ids[^1], (await fast.NextAsync()).EventId);
            if (behind is null && app.FanoutOf(topic)!.Subscriptions.Any(s => s.Lagged))
            {
                behind = Stopwatch.StartNew(); // its queue is full: it has read nothing for 16 events at least
            }
        }

        // Dropped (after its flush waited the write timeout) before its queue was seen full: the drop still has to show.
        behind ??= Stopwatch.StartNew();
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.Subscriptions.Count == 1, "the stuck subscriber is dropped");
        Assert.True(behind.Elapsed < WriteTimeout + TimeSpan.FromSeconds(2), $"dropped {behind.Elapsed} after its queue filled");

        // Its connection is closed: reading what reached its socket ends (at the end of the data, or with an error).
        var drained = Stopwatch.StartNew();
        var buffer = new byte[64 * 1024];
        try
        {
            while (await stuck.Body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        Assert.True(drained.Elapsed < TimeSpan.FromSeconds(10));

        // The topic goes on for the one left.
        var next = await http.PublishAsync(topic, "after");
        Assert.Equal(next, (await fast.NextAsync()).EventId);
    }
}
