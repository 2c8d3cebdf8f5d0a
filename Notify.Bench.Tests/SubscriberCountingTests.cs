using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Notify.Bench.Load;

namespace Notify.Bench.Tests;

/// <summary>
/// Notify.Bench's subscriber against a scripted SSE server on a real loopback socket: what it counts as
/// missing, duplicated and out of order is exact, and it resumes with <c>Last-Event-ID</c> like EventSource.
/// </summary>
public sealed class SubscriberCountingTests
{
    private static readonly int[] FirstStream = [1, 2, 2, 4, 3, 6];

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    [Fact]
    public async Task CountsExactly_AcrossChunksAndAReconnect()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var metrics = new RunMetrics();
        var subscriber = new Subscriber(new Uri($"http://127.0.0.1:{port}/topics/counted"), topic: 0, metrics);
        using var stop = new CancellationTokenSource(Eventually.DefaultTimeout);
        var running = subscriber.RunAsync(stop.Token);

        // First stream: 1, 2, 2 (duplicate), 4, 3 (late), 6, sent in 7-byte chunks, then the server hangs up.
        using (var first = await listener.AcceptSocketAsync(stop.Token))
        {
            var request = await ReadRequestAsync(first, stop.Token);
            Assert.StartsWith("GET /topics/counted HTTP/1.1\r\n", request, StringComparison.Ordinal);
            Assert.Contains("Accept: text/event-stream\r\n", request, StringComparison.Ordinal);
            Assert.DoesNotContain("Last-Event-ID", request, StringComparison.Ordinal);

            await first.SendAsync(Encoding.ASCII.GetBytes(ChunkedHead), stop.Token);
            await subscriber.Ready.WaitAsync(stop.Token);
            var body = ":\n\n" + string.Concat(FirstStream.Select(sequence => Event(sequence))); // sent while connected: live latency
            await first.SendAsync(Encoding.ASCII.GetBytes(Chunked(body, chunkSize: 7)), stop.Token);
            await Eventually.TrueAsync(() => metrics.Deliveries == 5, "the first stream's five distinct events are counted");
        }

        // The subscriber comes back asking for what follows the last id it saw.
        using (var second = await listener.AcceptSocketAsync(stop.Token))
        {
            var request = await ReadRequestAsync(second, stop.Token);
            Assert.Contains("Last-Event-ID: 1:6\r\n", request, StringComparison.Ordinal);
            var missed = Event(7); // sent before this connection existed: caught up, not a live latency
            await second.SendAsync(Encoding.ASCII.GetBytes(ChunkedHead + Chunked(missed, chunkSize: 64)), stop.Token);
            await Eventually.TrueAsync(() => metrics.Deliveries == 6, "the resumed stream's event is counted");
            await stop.CancelAsync();
            await running;
        }

        var acknowledged = new SequenceSet();
        for (var sequence = 1; sequence <= 7; sequence++)
        {
            acknowledged.Add(sequence);
        }

        var received = Assert.Single(subscriber.Follows).Received;
        Assert.Equal(1, received.CountMissingFrom(acknowledged)); // 5
        Assert.False(received.Contains(5));
        Assert.Equal(1, subscriber.Duplicates);
        Assert.Equal(1, subscriber.OutOfOrder);
        Assert.Equal(1, subscriber.Heartbeats);
        Assert.Equal(1, subscriber.UnexpectedCloses);
        Assert.Equal(1, subscriber.Reconnects);
        Assert.Equal(0, subscriber.Malformed);
        Assert.Equal(5, metrics.Latency.TotalCount);
    }

    [Fact]
    public async Task OneStreamOfSeveralTopics_CountsEachTopicApart_WhetherOrNotItsEventsAreNamed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var metrics = new RunMetrics();
        var lanes = Enumerable.Range(0, 3).Select(t => new TopicLane(t, new Uri($"http://127.0.0.1:{port}/topics"), $"t{t}", subscribers: 1)).ToArray();
        var url = TopicSetUrls.For(new Uri($"http://127.0.0.1:{port}/topics"), TopicSetStyle.Query, ["t0", "t2"]);
        var subscriber = new Subscriber(url, [new TopicLedger(0, lanes[0].Order), new TopicLedger(2, lanes[2].Order)], metrics);
        using var stop = new CancellationTokenSource(Eventually.DefaultTimeout);
        var running = subscriber.RunAsync(stop.Token);

        using (var server = await listener.AcceptSocketAsync(stop.Token))
        {
            Assert.StartsWith("GET /topics?topic=t0&topic=t2 HTTP/1.1\r\n", await ReadRequestAsync(server, stop.Token), StringComparison.Ordinal);
            await server.SendAsync(Encoding.ASCII.GetBytes(ChunkedHead), stop.Token);
            await subscriber.Ready.WaitAsync(stop.Token);
            var body = Event(1, topic: 0, type: "t0")          // Notify names each event after its topic
                + Event(1, topic: 2)                              // nchan's multiplexed channels do not
                + Event(2, topic: 2, type: "t2:shipped")          // a typed event of a topic
                + Event(1, topic: 0, type: "t0")                  // the same event twice
                + Event(1, topic: 1, type: "t1")                  // a topic this stream does not follow
                + "event: notify.reset\ndata: {\"topic\":\"t2\"}\n\n";
            await server.SendAsync(Encoding.ASCII.GetBytes(Chunked(body, chunkSize: 32)), stop.Token);
            await Eventually.TrueAsync(() => subscriber.Resets == 1, "the whole body is read");
            await stop.CancelAsync();
            await running;
        }

        foreach (var (lane, sequences) in new[] { (lanes[0], new[] { 1, 2 }), (lanes[1], [1]), (lanes[2], [1, 2]) })
        {
            foreach (var sequence in sequences)
            {
                lane.Acknowledge(sequence);
            }
        }

        Assert.Equal(3, metrics.Deliveries);
        Assert.Equal(1, subscriber.CountMissing(lanes)); // t0's 2; t1 is not followed
        Assert.Equal(1, subscriber.Duplicates);
        Assert.Equal(1, subscriber.Malformed);
        Assert.Equal(0, subscriber.OtherEvents);
        foreach (var lane in lanes)
        {
            lane.Dispose();
        }
    }

    private const string ChunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static string Event(int sequence, int topic = 0, string? type = null) =>
        $"id: 1:{sequence}\n{(type is null ? "" : $"event: {type}\n")}data: {Encoding.ASCII.GetString(EventPayload.Create(sequence, Stopwatch.GetTimestamp(), topic, 48))}\n\n";

    private static string Chunked(string body, int chunkSize)
    {
        var encoded = new StringBuilder();
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            var chunk = body.Substring(offset, Math.Min(chunkSize, body.Length - offset));
            encoded.Append(chunk.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n").Append(chunk).Append("\r\n");
        }

        return encoded.ToString();
    }

    private static async Task<string> ReadRequestAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var filled = 0;
        while (buffer.AsSpan(0, filled).IndexOf(EndOfHead) < 0)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken);
            Assert.NotEqual(0, read);
            filled += read;
        }

        return Encoding.ASCII.GetString(buffer, 0, filled);
    }
}
