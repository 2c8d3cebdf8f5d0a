using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using Notify.Api.Subscriptions;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>
/// Publishing is paced by this silo's fan-out. By default the answer to a publish (its event stored already) waits until
/// the silo's subscribers to the topic have written the event (<c>Notify:Publish:AnswerAfterLocalWrites</c>); with that
/// off, only while the silo writes the topic's events later than <c>Notify:Publish:PaceAbove</c>. Either way for
/// <c>Notify:Publish:MaxPacingDelay</c> at most, and a client that does not read does not pace anyone.
/// </summary>
/// <remarks>
/// Subscriptions opened on the silo and never run stand for a silo with no core to write: their queues fill and age
/// exactly as a saturated silo's do, and running them is the silo catching up.
/// </remarks>
public sealed class PublishPacingTests
{
    private static readonly TimeSpan PaceAbove = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPacingDelay = TimeSpan.FromSeconds(1);

    /// <summary>Answers at storage, paced above <see cref="PaceAbove"/>, and waits as long as a test takes.</summary>
    public sealed class PatientApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Publish:AnswerAfterLocalWrites"] = "false",
        ["Notify:Publish:PaceAbove"] = PaceAbove.ToString(),
        ["Notify:Publish:MaxPacingDelay"] = "00:00:30",
        ["Notify:Sse:WriteTimeout"] = "00:02:00", // the client that stops reading stays connected for the whole test
    });

    /// <summary>Answers at storage, paced above <see cref="PaceAbove"/> for <see cref="MaxPacingDelay"/> at most.</summary>
    public sealed class BoundedApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Publish:AnswerAfterLocalWrites"] = "false",
        ["Notify:Publish:PaceAbove"] = PaceAbove.ToString(),
        ["Notify:Publish:MaxPacingDelay"] = MaxPacingDelay.ToString(),
    });

    /// <summary>Answers after the local writes (the default), and waits for them as long as a test takes.</summary>
    public sealed class PatientWritesApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Publish:MaxPacingDelay"] = "00:00:30",
        ["Notify:Sse:WriteTimeout"] = "00:02:00",
    });

    /// <summary>Answers after the local writes (the default), waiting <see cref="MaxPacingDelay"/> at most.</summary>
    public sealed class BoundedWritesApp() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Publish:MaxPacingDelay"] = MaxPacingDelay.ToString(),
    });

    [Fact]
    public async Task APublish_IsAnsweredOnceEveryLocalSubscriberHasWrittenItsEvent()
    {
        await using var app = new NotifyApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("answered-after-writes");
        var readers = new List<SseTestClient>();
        for (var i = 0; i < 10; i++)
        {
            readers.Add(await SseTestClient.ConnectAsync(http, topic));
        }

        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.SubscriptionCount == readers.Count, "every subscriber is attached");
        for (var i = 0; i < 30; i++)
        {
            var id = await http.PublishAsync(topic, $"event {i}").WaitAsync(TestTimeouts.Event);

            // Answered: every subscription (10, all in the sample) has put the event in its response already.
            Assert.All(app.FanoutOf(topic)!.Subscriptions, subscription => Assert.Equal(id, subscription.Cursor.ToString()));
            foreach (var reader in readers)
            {
                Assert.Equal(id, (await reader.NextAsync()).EventId);
            }
        }

        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhileTheLocalSubscribersHaveNotWrittenThem_PublishesAreStoredAtOnce_AndAnsweredOnceTheyHave()
    {
        await using var app = new PatientWritesApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("answered-after-writes-stalled");
        var stalled = await OpenStalledAsync(app, topic, 3);
        var waits = app.GetService<LocalWriteWaits>();

        // Several publishes in flight on one topic: each waits for its own event.
        const int InFlight = 5;
        var waiting = Enumerable.Range(0, InFlight).Select(i => http.PostAsync($"topics/{topic}", new StringContent($"waiting {i}"))).ToList();
        await Eventually.TrueAsync(() => waits.Count == InFlight, "every answer waits for the writes");
        Assert.EndsWith($":{InFlight}", await HeadAsync(http, topic)); // all stored already
        Assert.DoesNotContain(waiting, publish => publish.IsCompleted);

        await using var catchingUp = new CatchingUp(stalled);
        var ids = new List<string>();
        foreach (var publish in waiting)
        {
            using var answer = await publish.WaitAsync(TestTimeouts.Event);
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            ids.Add((await answer.Content.ReadFromJsonAsync<PublishedEvent>())!.Id);
        }

        Assert.Equal(Enumerable.Range(1, InFlight).Select(i => $":{i}"), ids.Select(id => id[id.IndexOf(':', StringComparison.Ordinal)..]).Order());
        var head = await HeadAsync(http, topic);
        Assert.All(stalled, subscription => Assert.Equal(head, subscription.Cursor.ToString()));
        Assert.Equal(0, waits.Count);
    }

    [Fact]
    public async Task APublishWaitsForTheLocalWrites_ForAtMostMaxPacingDelay()
    {
        await using var app = new BoundedWritesApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("answered-after-writes-bounded");
        var stalled = await OpenStalledAsync(app, topic, 1);

        var sent = Stopwatch.GetTimestamp();
        var id = await http.PublishAsync(topic, "waits").WaitAsync(TestTimeouts.Event);
        var waited = Stopwatch.GetElapsedTime(sent);

        Assert.InRange(waited, MaxPacingDelay, MaxPacingDelay + TestTimeouts.Event);
        Assert.Equal(await HeadAsync(http, topic), id);
        Assert.Equal(0, app.GetService<LocalWriteWaits>().Count);
        stalled.Single().Dispose();
    }

    [Fact]
    public async Task APublisherThatLeaves_LeavesNoWaitBehind()
    {
        await using var app = new PatientWritesApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("answered-after-writes-left");
        var stalled = await OpenStalledAsync(app, topic, 1);
        var waits = app.GetService<LocalWriteWaits>();

        using var leave = new CancellationTokenSource();
        var waiting = http.PostAsync($"topics/{topic}", new StringContent("left"), leave.Token);
        await Eventually.TrueAsync(() => waits.Count == 1, "the answer waits for the writes");
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Event));

        await Eventually.TrueAsync(() => waits.Count == 0, "the wait is dropped with its publisher");
        stalled.Single().Dispose();
    }

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
        await using var catchingUp = new CatchingUp(stalled);
        using var answer = await paced.WaitAsync(TestTimeouts.Event);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(await HeadAsync(http, topic), (await answer.Content.ReadFromJsonAsync<PublishedEvent>())!.Id);
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
        await AssertAClientThatStopsReadingDoesNotPaceAsync(app);
    }

    [Fact]
    public async Task AClientThatStopsReading_DoesNotHoldTheAnswersToItsTopic()
    {
        await using var app = new PatientWritesApp();
        await app.InitializeAsync();
        await AssertAClientThatStopsReadingDoesNotPaceAsync(app);
    }

    private static async Task AssertAClientThatStopsReadingDoesNotPaceAsync(NotifyApp app)
    {
        using var http = app.CreateHttpClient();
        var topic = Publisher.NewTopic("paced-not-reading");
        await using var reader = await SseTestClient.ConnectAsync(http, topic);
        await using var late = await NonReadingSubscriber.ConnectAsync(app.BaseAddress, topic);
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.SubscriptionCount == 2, "both subscribers are attached");

        // Publish until the late client's socket and the server's buffer are full and events wait in its queue, and
        // for longer than the pacing threshold: a paced publish, or one waiting for the late client's writes, would
        // wait the 30 s MaxPacingDelay.
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

    /// <summary>The silo catching up: stalled subscriptions run against clients that read everything, until disposed.</summary>
    private sealed class CatchingUp : IAsyncDisposable
    {
        private readonly List<TopicSubscription> _stalled;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _written;

        public CatchingUp(List<TopicSubscription> stalled)
        {
            _stalled = stalled;
            _written = [.. stalled.Select(subscription => WriteToReaderAsync(subscription, _stop.Token))];
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_written).WaitAsync(TestTimeouts.Event);
            foreach (var subscription in _stalled)
            {
                subscription.Dispose();
            }

            _stop.Dispose();
        }
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
