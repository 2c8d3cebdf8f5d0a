using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>One subscription's writer against a pipe whose reader the test controls, and the real topic grain.</summary>
[Collection(UsesTopicCluster.Name)]
public sealed class TopicSubscriptionTests(TopicClusterFixture fixture) : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private async Task<TopicSubscription> OpenAsync(string topic, ITopicGrain grain, string? lastEventId, SseOptions? options = null)
    {
        var services = new SubscriptionServices(
            new TopicReader(Options.Create(new TopicReadOptions())),
            options ?? new SseOptions(),
            new NotifyMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<TopicSubscription>.Instance,
            new WriterWakeups(),
            CancellationToken.None);
        var subscription = new TopicSubscription(topic, grain, StreamStart.AfterLastEventId(lastEventId), services);
        await subscription.ReadFirstPageAsync(CancellationToken.None);
        return subscription;
    }

    private async Task<(string Topic, ITopicGrain Grain, List<EventPosition> Positions)> PublishAsync(string name, int count)
    {
        var topic = Publisher.NewTopic(name);
        var grain = fixture.Client.GetGrain<ITopicGrain>(topic);
        var positions = new List<EventPosition>();
        for (var i = 0; i < count; i++)
        {
            positions.Add((await grain.PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes($"e{i}"), null, null))).Position);
        }

        return (topic, grain, positions);
    }

    private static SseFrame Frame(EventPosition position, int size) =>
        SseFrame.ForEvent(new TopicEvent(position, null, Encoding.UTF8.GetBytes(new string('x', size)), DateTimeOffset.UnixEpoch));

    private static SseFrame FrameAt(EventPosition position, int size, DateTimeOffset publishedAt) =>
        SseFrame.ForEvent(new TopicEvent(position, null, Encoding.UTF8.GetBytes(new string('x', size)), publishedAt));

    private static async Task<string> ReadTextAsync(PipeReader reader, string until)
    {
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        while (!text.ToString().Contains(until, StringComparison.Ordinal))
        {
            var result = await reader.ReadAsync(timeout.Token);
            text.Append(Encoding.UTF8.GetString(result.Buffer));
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return text.ToString();
    }

    private static IEnumerable<string> Ids(string text) =>
        text.Split('\n').Where(l => l.StartsWith("id: ", StringComparison.Ordinal));

    [Fact]
    public async Task FullSendQueue_ClosesTheConnectionAfterNotifyLagged_NamingTheLastEventWritten()
    {
        var (topic, grain, positions) = await PublishAsync("lagged", 1);
        var head = positions[0];

        // The writer blocks once 1 KiB is unread: the client has stopped reading.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var options = new SseOptions { SendQueueLimit = 16 };
        using var subscription = await OpenAsync(topic, grain, lastEventId: null, options);
        var running = subscription.RunAsync(new SubscriberConnection(pipe.Writer, pipe.Writer.CancelPendingFlush), CancellationToken.None);
        Assert.Equal("retry: 3000\n\n", await ReadTextAsync(pipe.Reader, "\n\n"));

        // One big event fills the client's window: the writer is now stuck in its flush.
        subscription.Enqueue(Frame(head.Next, 4096));
        var stuck = await pipe.Reader.ReadAsync();
        Assert.True(stuck.Buffer.Length > 4096);

        // The next events wait in the queue until it is full; one more marks the connection lagged.
        var position = head.Next;
        for (var i = 0; i < options.SendQueueLimit + 1; i++)
        {
            position = position.Next;
            subscription.Enqueue(Frame(position, 10));
        }

        // The client reads again: the writer finishes its flush, then finds the connection lagged.
        var rest = Encoding.UTF8.GetString(stuck.Buffer);
        pipe.Reader.AdvanceTo(stuck.Buffer.End);
        rest += await ReadTextAsync(pipe.Reader, "event: notify.lagged");
        await running.WaitAsync(TestTimeouts.Event);
        await pipe.Writer.CompleteAsync();
        rest += await ReadTextAsync(pipe.Reader, "\u0000never");

        Assert.StartsWith($"id: {head.Next}\ndata: ", rest, StringComparison.Ordinal);
        Assert.EndsWith(
            $"\n\nevent: notify.lagged\ndata: {{\"lastEventId\":\"{head.Next}\",\"queueLimit\":16}}\n\n",
            rest,
            StringComparison.Ordinal);
        Assert.Single(Ids(rest)); // nothing queued after the stuck event was written
        Assert.Equal(head.Next, subscription.Cursor);
    }

    [Fact]
    public async Task QueuedEventsAlreadyReplayed_AreSkipped_AndAGap_IsReadFromTheGrain()
    {
        var (topic, grain, positions) = await PublishAsync("cursor", 5);
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        using var subscription = await OpenAsync(topic, grain, positions[0].ToString());
        var running = subscription.RunAsync(new SubscriberConnection(pipe.Writer, pipe.Writer.CancelPendingFlush), stop.Token);
        var replay = await ReadTextAsync(pipe.Reader, $"id: {positions[4]}\n");

        // Live copies of replayed events are dropped; an event after a gap brings the missing ones first.
        subscription.Enqueue(Frame(positions[3], 1));
        subscription.Enqueue(Frame(positions[4], 1));
        var later = new List<EventPosition>();
        for (var i = 0; i < 3; i++)
        {
            later.Add((await grain.PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes($"later{i}"), null, null))).Position);
        }

        subscription.Enqueue(Frame(later[2], 1)); // later[0] and later[1] never came live
        var live = await ReadTextAsync(pipe.Reader, $"id: {later[2]}\n");
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Event); // the client left: the stream ends

        Assert.Equal(positions.Skip(1).Select(p => $"id: {p}"), Ids(replay));
        Assert.Equal(later.Select(p => $"id: {p}"), Ids(live));
        Assert.Contains("data: later0\n", live, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FanoutJump_FromTheSubscriptionsPosition_IsWrittenAsIs_WithoutReadingTheGrain()
    {
        var (topic, grain, positions) = await PublishAsync("jump", 3);
        var reads = new CountingTopicGrain(grain);
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        using var subscription = await OpenAsync(topic, reads, lastEventId: null);
        var running = subscription.RunAsync(new SubscriberConnection(pipe.Writer, pipe.Writer.CancelPendingFlush), stop.Token);
        await ReadTextAsync(pipe.Reader, "retry: 3000\n\n");

        // What a fan-out hands every subscription when the topic's history was replaced by a new epoch.
        var continuesAfter = new EventPosition("newepoch00", 0);
        subscription.Enqueue(SseFrame.ForJump(new TopicJump(ResetReason.Epoch, positions[^1], continuesAfter)));
        subscription.Enqueue(Frame(continuesAfter.Next, 1));
        var text = await ReadTextAsync(pipe.Reader, $"id: {continuesAfter.Next}\n");
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Event);

        Assert.StartsWith(
            $"id: {continuesAfter}\nevent: notify.reset\ndata: {{\"reason\":\"epoch\",\"lastEventId\":\"{positions[^1]}\",\"continuesAfter\":\"{continuesAfter}\"}}\n\n"
            + $"id: {continuesAfter.Next}\n",
            text,
            StringComparison.Ordinal);
        Assert.Equal(1, reads.Reads); // the subscription point only
        Assert.Equal(continuesAfter.Next, subscription.Cursor);
    }

    [Fact]
    public async Task FanoutJump_QuotingAnotherPosition_IsReplacedByTheSubscriptionsOwnResetFromTheGrain()
    {
        var (topic, grain, positions) = await PublishAsync("ownjump", 3);
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        using var subscription = await OpenAsync(topic, grain, lastEventId: null);
        var running = subscription.RunAsync(new SubscriberConnection(pipe.Writer, pipe.Writer.CancelPendingFlush), stop.Token);
        await ReadTextAsync(pipe.Reader, "retry: 3000\n\n");

        // The topic's history is lost; the fan-out was behind this subscription when it noticed.
        await fixture.LoseHistoryAsync(topic);
        var oldEpoch = positions[0].Epoch;
        EventPosition head = default;
        await Eventually.TrueAsync(async () => (head = await grain.GetHeadAsync()).Epoch != oldEpoch, "the topic grain has a new epoch");
        var first = (await grain.PublishAsync(new PublishRequest("new"u8.ToArray(), null, null))).Position;
        subscription.Enqueue(SseFrame.ForJump(new TopicJump(ResetReason.Epoch, positions[0], head)));
        subscription.Enqueue(Frame(first, 1));
        var text = await ReadTextAsync(pipe.Reader, $"id: {first}\n");
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Event);

        Assert.Contains(
            $"event: notify.reset\ndata: {{\"reason\":\"epoch\",\"lastEventId\":\"{positions[^1]}\",\"continuesAfter\":\"{head}\"}}\n\n",
            text,
            StringComparison.Ordinal);
        Assert.Equal([$"id: {head}", $"id: {first}"], Ids(text));
    }

    [Fact]
    public async Task QueuedFor_IsTheAgeOfTheOldestQueuedEvent_AndZero_WhenNothingWaits_OrWhileTheClientIsNotReading()
    {
        var (topic, grain, positions) = await PublishAsync("queued-for", 1);
        var head = positions[0];
        var now = DateTimeOffset.UtcNow;
        using var subscription = await OpenAsync(topic, grain, lastEventId: null);
        Assert.Equal(TimeSpan.Zero, subscription.QueuedFor(now));

        // Not running yet: what the fan-out hands over waits in the queue, as it does while the silo has no core to write it.
        subscription.Enqueue(FrameAt(head.Next, 10, now - TimeSpan.FromSeconds(3)));
        subscription.Enqueue(FrameAt(head.Next.Next, 10, now - TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(3), subscription.QueuedFor(now));

        // Running against a client that reads nothing once 1 KiB is unread: the first big event fills its window and the
        // writer waits on the client; what queues meanwhile is the client's lag, not the silo's.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        using var stop = new CancellationTokenSource();
        subscription.Enqueue(FrameAt(head.Next.Next.Next, 4096, now));
        var running = subscription.RunAsync(new SubscriberConnection(pipe.Writer, pipe.Writer.CancelPendingFlush), stop.Token);
        var stuck = await pipe.Reader.ReadAsync();
        Assert.True(stuck.Buffer.Length > 4096);
        subscription.Enqueue(FrameAt(head.Next.Next.Next.Next, 10, now - TimeSpan.FromSeconds(2)));
        await Eventually.TrueAsync(() => subscription.QueuedFor(DateTimeOffset.UtcNow) == TimeSpan.Zero, "the subscription waits on its client");

        pipe.Reader.AdvanceTo(stuck.Buffer.End);
        await stop.CancelAsync();
        await running.WaitAsync(TestTimeouts.Event);
    }

    /// <summary>The real grain, with its reads counted.</summary>
    private sealed class CountingTopicGrain(ITopicGrain grain) : ITopicGrain
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default) =>
            grain.PublishAsync(request, cancellationToken);

        public Task<TopicRead> ReadAsync(ResumeFrom from, int maxEvents, long maxBytes, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return grain.ReadAsync(from, maxEvents, maxBytes, cancellationToken);
        }

        public Task<EventPosition> GetHeadAsync(CancellationToken cancellationToken = default) => grain.GetHeadAsync(cancellationToken);
    }
}
