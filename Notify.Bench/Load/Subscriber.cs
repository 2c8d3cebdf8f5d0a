using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Notify.Bench.Http;
using Notify.Bench.Sse;

namespace Notify.Bench.Load;

/// <summary>
/// One SSE subscriber on a raw socket, behaving like a browser's EventSource: it reconnects with
/// <c>Last-Event-ID</c> whenever its stream ends, and it records every event it receives.
/// </summary>
/// <remarks>Only its own receive loop touches its parser and ledger, so neither needs a lock.</remarks>
internal sealed class Subscriber : ISseEventSink
{
    private const int ReceiveBufferSize = 4096;
    private const int MaxHeadSize = 64 * 1024;
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly SseParser _parser = new();
    private readonly SequenceSet _received = new();
    private readonly IPEndPoint _endPoint;
    private readonly string _host;
    private readonly string _path;
    private readonly RunMetrics _metrics;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _socket;
    private long _connectedAt;
    private readonly TopicOrder _order;
    private long _mustHaveArrived;
    private long _deliveries;
    private long _lastDelivery;
    private long _droppedUntil;

    public Subscriber(Uri topicUrl, int topic, RunMetrics metrics, TopicOrder? order = null)
    {
        _order = order ?? TopicOrder.Sequential;
        metrics.Track(this);
        _endPoint = new IPEndPoint(IPAddress.Parse(topicUrl.Host), topicUrl.Port);
        _host = topicUrl.Authority;
        _path = topicUrl.PathAndQuery;
        Topic = topic;
        _metrics = metrics;
    }

    public int Topic { get; }

    /// <summary>Completes when the first response head (status 200) has arrived.</summary>
    public Task Ready => _ready.Task;

    public SequenceSet Received => _received;

    /// <summary>Distinct events received; read by the progress display while the run goes on.</summary>
    public long Deliveries => Volatile.Read(ref _deliveries);

    /// <summary>When the last distinct event arrived (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastDelivery => Volatile.Read(ref _lastDelivery);

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    public long Malformed { get; private set; }

    public long Resets { get; private set; }

    public long Lagged { get; private set; }

    public long OtherEvents { get; private set; }

    public long Heartbeats { get; private set; }

    /// <summary>Streams that ended without being asked to (the subscriber reconnected).</summary>
    public long UnexpectedCloses { get; private set; }

    /// <summary>Connections refused or answered with something other than an event stream.</summary>
    public long FailedConnects { get; private set; }

    public long Reconnects { get; private set; }

    /// <summary>Connects, reads and reconnects until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var first = true;
        while (!stopping.IsCancellationRequested)
        {
            var downFor = Interlocked.Read(ref _droppedUntil) - Stopwatch.GetTimestamp();
            if (downFor > 0)
            {
                await DelayAsync(TimeSpan.FromSeconds((double)downFor / Stopwatch.Frequency), stopping);
                continue;
            }

            if (!first)
            {
                Reconnects++;
            }

            first = false;
            var dropped = false;
            try
            {
                dropped = await ReceiveOnceAsync(stopping);
            }
            catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException or InvalidDataException)
            {
                Close();
                dropped = Interlocked.Read(ref _droppedUntil) > Stopwatch.GetTimestamp();
                if (!dropped && !stopping.IsCancellationRequested)
                {
                    if (exception is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                    {
                        FailedConnects++;
                    }
                    else
                    {
                        UnexpectedCloses++;
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }

            if (!dropped && !stopping.IsCancellationRequested)
            {
                await DelayAsync(ReconnectDelay, stopping);
            }
        }

        Close();
    }

    /// <summary>Cuts the connection now and keeps it down for <paramref name="duration"/>, then resumes.</summary>
    public void Drop(TimeSpan duration)
    {
        Interlocked.Exchange(ref _droppedUntil, Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency));
        Close();
    }

    private async Task<bool> ReceiveOnceAsync(CancellationToken stopping)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Interlocked.Exchange(ref _socket, socket)?.Dispose();
        if (Interlocked.Read(ref _droppedUntil) > Stopwatch.GetTimestamp())
        {
            Close(); // dropped while this attempt was starting
            return true;
        }

        using var registration = stopping.Register(Close);
        await socket.ConnectAsync(_endPoint, stopping);
        await socket.SendAsync(BuildRequest(), SocketFlags.None, stopping);

        var buffer = new byte[ReceiveBufferSize];
        var filled = 0;
        ResponseHead? head;
        int headLength;
        while (!ResponseHead.TryParse(buffer.AsSpan(0, filled), out head, out headLength))
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxHeadSize)
                {
                    throw new InvalidDataException($"No end of the response head in {MaxHeadSize} bytes.");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stopping);
            if (read == 0)
            {
                throw new IOException("The server closed the connection before answering.");
            }

            filled += read;
        }

        if (head!.StatusCode != 200)
        {
            FailedConnects++;
            Close();
            return false;
        }

        _parser.Reset();
        _connectedAt = Stopwatch.GetTimestamp();
        _ready.TrySetResult();
        var chunked = head.IsChunked ? new ChunkedDecoder() : null;
        var start = headLength;
        while (true)
        {
            if (filled > start)
            {
                var body = buffer.AsSpan(start, filled - start);
                var length = chunked?.Decode(body) ?? body.Length;
                _parser.Parse(body[..length], this);
                if (chunked?.IsComplete == true)
                {
                    break;
                }
            }

            start = 0;
            filled = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping);
            if (filled == 0)
            {
                break;
            }
        }

        var dropped = Interlocked.Read(ref _droppedUntil) > Stopwatch.GetTimestamp();
        if (!dropped && !stopping.IsCancellationRequested)
        {
            UnexpectedCloses++;
        }

        Close();
        return dropped;
    }

    private byte[] BuildRequest()
    {
        var request = new StringBuilder()
            .Append("GET ").Append(_path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(_host).Append("\r\n")
            .Append("Accept: text/event-stream\r\n")
            .Append("Cache-Control: no-cache\r\n");
        if (!_parser.LastEventId.IsEmpty)
        {
            request.Append("Last-Event-ID: ").Append(Encoding.UTF8.GetString(_parser.LastEventId)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(request.Append("\r\n").ToString());
    }

    private void Close()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket is null)
        {
            return;
        }

        try
        {
            // A reset, not a FIN: thousands of closed subscribers leave no TIME_WAIT behind.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        socket.Dispose();
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }

    void ISseEventSink.OnEvent(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> data)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        if (!type.IsEmpty && !type.SequenceEqual("message"u8))
        {
            if (type.SequenceEqual("notify.reset"u8))
            {
                Resets++;
            }
            else if (type.SequenceEqual("notify.lagged"u8))
            {
                Lagged++;
            }
            else
            {
                OtherEvents++;
            }

            return;
        }

        if (!EventPayload.TryRead(data, out var sequence, out var sentAt) || sequence is <= 0 or > EventPayload.MaxSequence)
        {
            Malformed++;
            return;
        }

        if (!_received.Add(sequence))
        {
            Duplicates++;
            return;
        }

        // Late: an event received earlier was published after this one had been acknowledged.
        if (sequence <= _mustHaveArrived)
        {
            OutOfOrder++;
        }

        _mustHaveArrived = Math.Max(_mustHaveArrived, _order.MustFollow(sequence));

        Volatile.Write(ref _deliveries, _deliveries + 1);
        Volatile.Write(ref _lastDelivery, receivedAt);
        _metrics.Delivered(sentAt, receivedAt, live: sentAt >= _connectedAt);
    }

    void ISseEventSink.OnComment(ReadOnlySpan<byte> text) => Heartbeats++;
}
