using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Notify.Client;
using Notify.Tests.Diagnostics;

namespace Notify.Tests.Client;

/// <summary>
/// The client allocates nothing per event beyond the event: its record and its id, type and data strings. Measured over
/// streams served from memory (no network, no server) as the difference between reading N and 2N events, so fixed costs
/// cancel; alone, since the allocation counter is the process's.
/// </summary>
[Collection(MeasuresTheProcess.Name)]
public sealed class AllocationTests
{
    private const int Events = 20_000;

    /// <summary>The record: 16 B of header and method table, and four references.</summary>
    private const long Record = 48;

    private static readonly byte[] Small = Body(Events);
    private static readonly byte[] Large = Body(Events * 2);

    // The three strings: 22 B + 2 B a character, 8-aligned.
    private static readonly long Strings = StringSize("abcdefghij:12345") + StringSize("event 012345") + StringSize("order.created");

    private static long StringSize(string value) => (22 + (2 * value.Length) + 7) / 8 * 8;

    [Fact]
    public async Task EventsArrivingTogether_CostTheEventsAndNothingElse()
    {
        var perEvent = await PerEventAsync(body => new MemoryStream(body), ReadWithTheClientAsync);
        Assert.InRange(perEvent, Record + Strings - 8, Record + Strings + 8);
    }

    /// <summary>
    /// One event per read, each read waiting: how a quiet live stream arrives. The BCL's <see cref="SseParser"/> allocates
    /// its read state each time a read waits; the client adds the record and nothing more (its waits are allocation-free).
    /// </summary>
    [Fact]
    public async Task EventsArrivingOneByOne_CostTheEventsAndWhatTheParserAllocates()
    {
        var client = await PerEventAsync(body => new OneEventPerRead(body), ReadWithTheClientAsync);
        var parser = await PerEventAsync(body => new OneEventPerRead(body), ReadWithTheParserAsync);
        Assert.InRange(client - parser, Record - 8, Record + 8);
    }

    /// <summary>Reads on the thread pool, as an application does: xunit's synchronization context would add its own posts.</summary>
    private static Task<double> PerEventAsync(Func<byte[], Stream> open, Func<Stream, int, Task<long>> read) => Task.Run(async () =>
    {
        await read(open(Small), Events); // warm-up: JIT, pools, buffers
        await read(open(Large), Events * 2);
        var large = await read(open(Large), Events * 2);
        var small = await read(open(Small), Events);
        return (large - small) / (double)Events;
    });

    private static async Task<long> ReadWithTheClientAsync(Stream body, int count)
    {
        using var http = new HttpClient(new StreamHandler(body));
        var client = new NotifyClient(http, new NotifyClientOptions { BaseAddress = new Uri("http://notify.test/") });
        using var stopping = new CancellationTokenSource(); // an application passes its own, as a hosted service does
        var read = 0;
        long before = 0;
        await foreach (var item in client.SubscribeAsync("t", NotifyStart.After(new Dictionary<string, string> { ["t"] = "abcdefghij:0" }), stopping.Token))
        {
            Assert.IsType<NotifyEvent>(item);
            before = read++ == 0 ? GC.GetTotalAllocatedBytes(precise: true) : before;
            if (read == count)
            {
                break;
            }
        }

        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static async Task<long> ReadWithTheParserAsync(Stream body, int count)
    {
        var parser = SseParser.Create(body, static (_, data) => Encoding.UTF8.GetString(data));
        var read = 0;
        long before = 0;
        await foreach (var item in parser.EnumerateAsync())
        {
            before = read++ == 0 ? GC.GetTotalAllocatedBytes(precise: true) : before;
            if (read == count)
            {
                break;
            }
        }

        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    /// <summary>An event stream of <paramref name="count"/> typed events, ids of 16 characters, data of 12.</summary>
    private static byte[] Body(int count)
    {
        var text = new StringBuilder("retry: 3000\n\n");
        for (var i = 1; i <= count; i++)
        {
            text.Append("id: abcdefghij:").Append(10_000 + i).Append("\nevent: order.created\ndata: event ")
                .Append(i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Append("\n\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed class StreamHandler(Stream body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(body);
            content.Headers.ContentType = new("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    /// <summary>Hands out one event per read, each read completing asynchronously, as a quiet network connection does.</summary>
    private sealed class OneEventPerRead(byte[] body) : Stream
    {
        private int _position;

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var end = body.AsSpan(_position).IndexOf("\n\n"u8);
            var length = Math.Min(end < 0 ? body.Length - _position : end + 2, buffer.Length);
            body.AsSpan(_position, length).CopyTo(buffer.Span);
            _position += length;
            return length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
