using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using Notify.Api.Subscriptions;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>
/// Publishing is paced by this silo's fan-out: while the silo writes a topic's events to its subscribers later than
/// <c>Notify:Publish:PaceAbove</c>, the answer to a publish (its event stored already) waits until the silo has caught
/// up, or for <c>Notify:Publish:MaxPacingDelay</c> at most. A client that does not read does not pace anyone.
/// </summary>
/// <remarks>
/// Subscriptions opened on the silo and never run stand for a silo with no core to write: their queues fill and age
/// exactly as a saturated silo's do, and running them is the silo catching up.
/// </remarks>
public sealed class PublishPacingTests
{
    private static readonly TimeSpan PaceAbove = TimeSpan.FromMilliseconds(50);

    public sealed class PatientApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Publish:PaceAbove"] = PaceAbove.ToString(),
        ["Notify:Publish:MaxPacingDelay"] = "00:00:30",
        ["Notify:Sse:WriteTimeout"] = "00:02:00", // the client that stops reading stays connected for the whole test
    });

    public sealed class BoundedApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Publish:PaceAbove"] = PaceAbove.ToString(),
        ["Notify:Publish:MaxPacingDelay"] = MaxPacingDelay.ToString(),
    });

    private static readonly TimeSpan MaxPacingDelay = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task WhileTheSiloIsBehind_APublishIsStoredAtOnce_AndAnsweredWhenItCaughtUp()
    {
        await using var app = new PatientApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("paced");
        var stalled = await OpenStalledAsync(app, topic, 3);
        var first = await http.PublishAsync(topic, "first"); // the silo was not behind yet
        await Eventually.TrueAsync(() => app.FanoutOf(topic)!.Backlog() > PaceAbove, "the stalled subscribers fall behind");

        var paced = http.PostAsync($"topics/{topic}", new StringContent("paced"));
        await Eventually.TrueAsync(async () => (await HeadAsync(http, topic)) != first, "the paced publish is stored");
        Assert.False(paced.IsCompleted, "a publish is answered while the silo is behind");

        // The silo writes what waited: the publish is answered, with the id of the event stored before.
        using var stop = new CancellationTokenSource();
        var written = stalled.Select(subscription => WriteToReaderAsync(subscription, stop.Token)).ToList();
        using var answer = await paced.WaitAsync(TestTimeouts.Event);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(await HeadAsync(http, topic), (await answer.Content.ReadFromJsonAsync<PublishedEvent>())!.Id);
        await stop.CancelAsync();
        await Task.WhenAll(written).WaitAsync(TestTimeouts.Event);
        foreach (var subscription in stalled)
        {
            subscription.Dispose();
        }
    }

    [Fact]
    public async Task APublishIsHeldBack_ForAtMostMaxPacingDelay()
    {
        await using var app = new BoundedApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("paced-bounded");
        var stalled = await OpenStalledAsync(app, topic, 1);
        await http.PublishAsync(topic, "first");
        await Eventually.TrueAsync(() => app.FanoutOf(topic)!.Backlog() > PaceAbove, "the stalled subscriber falls behind");

        var sent = Stopwatch.GetTimestamp();
        var id = await http.PublishAsync(topic, "paced");
        var waited = Stopwatch.GetElapsedTime(sent);

        Assert.InRange(waited, MaxPacingDelay, MaxPacingDelay + TestTimeouts.Event);
        Assert.Equal(await HeadAsync(http, topic), id);
        stalled.Single().Dispose();
    }

    [Fact]
    public async Task AClientThatStopsReading_DoesNotPaceThePublisher()
    {
        await using var app = new PatientApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("paced-not-reading");
        await using var reader = await SseTestClient.ConnectAsync(http, topic);
        await using var late = await NonReadingSubscriber.ConnectAsync(app.BaseAddress, topic);
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.SubscriptionCount == 2, "both subscribers are attached");

        // Publish until the late client's socket and the server's buffer are full and events wait in its queue, and
        // for longer than the pacing threshold: a paced publish would wait the 30 s MaxPacingDelay.
        var payload = new string('x', 16 * 1024);
        var slowest = TimeSpan.Zero;
        var published = 0;
        var lastId = "";
        var backedUp = Stopwatch.GetTimestamp();
        while (!(LateOf(app, topic, lastId) is { Queued: > 0 } && Stopwatch.GetElapsedTime(backedUp) > 4 * PaceAbove))
        {
            Assert.True(published++ < 2_000, "the late client's queue never backed up");
            if (LateOf(app, topic, lastId) is not { Queued: > 0 })
            {
                backedUp = Stopwatch.GetTimestamp();
            }

            var sent = Stopwatch.GetTimestamp();
            lastId = await http.PublishAsync(topic, payload);
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(sent).Ticks));
            Assert.Equal(lastId, (await reader.NextAsync()).EventId);
        }

        // Its events wait, but on the client: the silo is not behind for it.
        Assert.Equal(TimeSpan.Zero, LateOf(app, topic, lastId)!.QueuedFor(DateTimeOffset.UtcNow));
        Assert.True(slowest < TestTimeouts.Event, $"the slowest publish took {slowest}");
    }

    /// <summary>The subscription that has not written the last event the reading client got.</summary>
    private static TopicSubscription? LateOf(NotifyApp app, string topic, string lastId)
    {
        var behind = app.FanoutOf(topic)!.Subscriptions.Where(s => s.Cursor.ToString() != lastId).ToList();
        return behind.Count == 1 ? behind[0] : null;
    }

    private static async Task<List<TopicSubscription>> OpenStalledAsync(NotifyApp app, string topic, int count)
    {
        var registry = app.GetService<SubscriptionRegistry>();
        var stalled = new List<TopicSubscription>();
        for (var i = 0; i < count; i++)
        {
            stalled.Add(await registry.OpenAsync(topic, StreamStart.Live, CancellationToken.None));
        }

        return stalled;
    }

    /// <summary>Runs a stalled subscription against a client that reads everything, until <paramref name="stop"/>.</summary>
    private static async Task WriteToReaderAsync(TopicSubscription subscription, CancellationToken stop)
    {
        var pipe = new Pipe();
        var reading = ReadAllAsync(pipe.Reader);
        await subscription.RunAsync(new SubscriberConnection(pipe.Writer, pipe.Writer.CancelPendingFlush), stop);
        await pipe.Writer.CompleteAsync();
        await reading;
    }

    private static async Task ReadAllAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                await reader.CompleteAsync();
                return;
            }
        }
    }

    private static async Task<string> HeadAsync(HttpClient http, string topic) =>
        (await http.GetFromJsonAsync<BufferedEventsPage>($"topics/{topic}/events"))!.Head;
}
