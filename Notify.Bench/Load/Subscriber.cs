using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Notify.Bench.Http;
using Notify.Bench.Sse;

namespace Notify.Bench.Load;

/// <summary>
/// One SSE subscriber on a raw socket, behaving like a browser's EventSource: it reconnects with
/// <c>Last-Event-ID</c> whenever its stream ends, and it records every event it receives, per topic it follows.
/// </summary>
/// <remarks>Only its own receive loop touches its parser and ledgers, so neither needs a lock.</remarks>
internal sealed partial class Subscriber : ISseEventSink
{
    private const int ReceiveBufferSize = 4096;
    private const int MaxHeadSize = 64 * 1024;
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly SseParser _parser = new();
    private readonly TopicLedger[] _follows;
    private readonly IPEndPoint _endPoint;
    private readonly string _host;
    private readonly string _path;
    private readonly RunMetrics _metrics;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _socket;
    private long _connectedAt;
    private long _droppedUntil;

    /// <summary>A subscriber of the topics <paramref name="follows"/> names, on one stream at <paramref name="streamUrl"/>.</summary>
    public Subscriber(Uri streamUrl, IReadOnlyList<TopicLedger> follows, RunMetrics metrics)
    {
        ArgumentOutOfRangeException.ThrowIfZero(follows.Count);
        _follows = [.. follows];
        metrics.Track(this);
        _endPoint = new IPEndPoint(IPAddress.Parse(streamUrl.Host), streamUrl.Port);
        _host = streamUrl.Authority;
        _path = streamUrl.PathAndQuery;
        _metrics = metrics;
    }

    /// <summary>A subscriber of one topic, whose events must come in <paramref name="order"/> (by default, as numbered).</summary>
    public Subscriber(Uri topicUrl, int topic, RunMetrics metrics, TopicOrder? order = null)
        : this(topicUrl, [new TopicLedger(topic, order ?? TopicOrder.Sequential)], metrics)
    {
    }

    /// <summary>Completes when the first response head (status 200) has arrived.</summary>
    public Task Ready => _ready.Task;

    /// <summary>What it received of each topic it follows.</summary>
    public IReadOnlyList<TopicLedger> Follows => _follows;

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
        var response = await ReadHeadAsync(socket, stopping);
        if (response.Head.StatusCode != 200)
        {
            FailedConnects++;
            Close();
            return false;
        }

        _parser.Reset();
        _connectedAt = Stopwatch.GetTimestamp();
        _ready.TrySetResult();
        await ReadEventsAsync(socket, response, stopping);

        var dropped = Interlocked.Read(ref _droppedUntil) > Stopwatch.GetTimestamp();
        if (!dropped && !stopping.IsCancellationRequested)
        {
            UnexpectedCloses++;
        }

        Close();
        return dropped;
    }

    /// <summary>Reads until the response head is complete; the buffer may hold the start of the body after it.</summary>
    private static async Task<HeadRead> ReadHeadAsync(Socket socket, CancellationToken stopping)
    {
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

        return new HeadRead(buffer, filled, head!, headLength);
    }

    /// <summary>Parses the body until the server ends it (or the connection is closed under it).</summary>
    private async Task ReadEventsAsync(Socket socket, HeadRead response, CancellationToken stopping)
    {
        var (buffer, filled, start) = (response.Buffer, response.Filled, response.HeadLength);
        var chunked = response.Head.IsChunked ? new ChunkedDecoder() : null;
        while (true)
        {
            if (filled > start)
            {
                var body = buffer.AsSpan(start, filled - start);
                var length = chunked?.Decode(body) ?? body.Length;
                _parser.Parse(body[..length], this);
                if (chunked?.IsComplete == true)
                {
                    return;
                }
            }

            start = 0;
            filled = await socket.ReceiveAsync(buffer, SocketFlags.None, stopping);
            if (filled == 0)
            {
                return;
            }
        }
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

    /// <summary>A response head as read, with the bytes of the body that came with it.</summary>
    private sealed record HeadRead(byte[] Buffer, int Filled, ResponseHead Head, int HeadLength);
}
