using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Sse;

/// <summary>One connection's writer against a pipe whose reader the test controls, and the real topic grain.</summary>
[Collection(UsesTopicCluster.Name)]
public sealed class SseConnectionTests(TopicClusterFixture fixture) : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private NotifyMetrics Metrics => new(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private static SseFrame Frame(EventPosition position, int size) =>
        SseFrame.ForEvent(new TopicEvent(position, null, Encoding.UTF8.GetBytes(new string('x', size)), DateTimeOffset.UnixEpoch));

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

    [Fact]
    public async Task FullSendQueue_ClosesTheConnectionAfterNotifyLagged_NamingTheLastEventWritten()
    {
        var topic = Publisher.NewTopic("lagged");
        var grain = fixture.Client.GetGrain<ITopicGrain>(topic);
        var head = (await grain.PublishAsync(new PublishRequest("before"u8.ToArray(), null, null))).Position;

        // The writer blocks once 1 KiB is unread: the client has stopped reading.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var options = new SseOptions { SendQueueLimit = 16 };
        var connection = new SseConnection(topic, grain, pipe.Writer, options, NullLogger.Instance, Metrics);
        var first = await connection.ReadFirstAsync(ResumeFrom.Live, CancellationToken.None);
        var running = connection.RunAsync(first, null, CancellationToken.None);
        Assert.Equal("retry: 3000\n\n", await ReadTextAsync(pipe.Reader, "\n\n"));

        // One big event fills the client's window: the writer is now stuck in its flush.
        connection.Enqueue(Frame(head.Next, 4096));
        var stuck = await pipe.Reader.ReadAsync();
        Assert.True(stuck.Buffer.Length > 4096);

        // The next events wait in the queue until it is full; one more marks the connection lagged.
        var position = head.Next;
        for (var i = 0; i < options.SendQueueLimit + 1; i++)
        {
            position = position.Next;
            connection.Enqueue(Frame(position, 10));
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
        Assert.Equal(1, rest.Split("id: ").Length - 1); // nothing queued after the stuck event was written
        Assert.Equal(head.Next, connection.Cursor);
    }

    [Fact]
    public async Task QueuedEventsAlreadyReplayed_AreSkipped_AndAGap_IsReadFromTheGrain()
    {
        var topic = Publisher.NewTopic("cursor");
        var grain = fixture.Client.GetGrain<ITopicGrain>(topic);
        var positions = new List<EventPosition>();
        for (var i = 0; i < 5; i++)
        {
            positions.Add((await grain.PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes($"e{i}"), null, null))).Position);
        }

        var pipe = new Pipe();
        var connection = new SseConnection(topic, grain, pipe.Writer, new SseOptions(), NullLogger.Instance, Metrics);
        using var stop = new CancellationTokenSource();
        var first = await connection.ReadFirstAsync(ResumeFrom.Position(positions[0]), stop.Token);
        var running = connection.RunAsync(first, positions[0].ToString(), stop.Token);
        var replay = await ReadTextAsync(pipe.Reader, $"id: {positions[4]}\n");

        // Live copies of replayed events are dropped; an event after a gap brings the missing ones first.
        connection.Enqueue(Frame(positions[3], 1));
        connection.Enqueue(Frame(positions[4], 1));
        var later = new List<EventPosition>();
        for (var i = 0; i < 3; i++)
        {
            later.Add((await grain.PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes($"later{i}"), null, null))).Position);
        }

        connection.Enqueue(Frame(later[2], 1)); // later[0] and later[1] never came live
        var live = await ReadTextAsync(pipe.Reader, $"id: {later[2]}\n");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(positions.Skip(1).Select(p => $"id: {p}"), replay.Split('\n').Where(l => l.StartsWith("id: ", StringComparison.Ordinal)));
        Assert.Equal(later.Select(p => $"id: {p}"), live.Split('\n').Where(l => l.StartsWith("id: ", StringComparison.Ordinal)));
        Assert.Contains("data: later0\n", live, StringComparison.Ordinal);
    }
}
