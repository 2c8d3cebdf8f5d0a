using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Notify.Api.Diagnostics;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Sse;

/// <summary>
/// One subscriber's stream: the replay of the events after its resume position, then live events,
/// with no gap and no duplicate.
/// </summary>
/// <remarks>
/// The connection is attached to its topic's <see cref="TopicFanout"/> before the replay is read, so
/// every event published after that read reaches its queue; queued events at or before its cursor
/// (already replayed) are skipped, and an event after a gap makes it read the missing ones from the
/// grain first. Exactly one task writes to the response: the one running <see cref="RunAsync"/>.
/// <para>
/// The queue is bounded. A connection whose queue is full is closed after a <c>notify.lagged</c> event
/// rather than slowing the fanout or the other connections; the client resumes like any reconnect.
/// </para>
/// </remarks>
public sealed partial class SseConnection
{
    private readonly ITopicGrain _grain;
    private readonly PipeWriter _body;
    private readonly SseOptions _options;
    private readonly ILogger _logger;
    private readonly NotifyMetrics _metrics;
    private readonly Channel<SseFrame> _queue;
    private long _lastWriteTicks = Environment.TickCount64;
    private volatile bool _lagged;
    private EventPosition _cursor;

    internal SseConnection(string topic, ITopicGrain grain, PipeWriter body, SseOptions options, ILogger logger, NotifyMetrics metrics)
    {
        Topic = topic;
        _grain = grain;
        _body = body;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _queue = Channel.CreateBounded<SseFrame>(new BoundedChannelOptions(options.SendQueueLimit)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails instead of dropping anything
        });
    }

    /// <summary>The topic this connection follows.</summary>
    public string Topic { get; }

    /// <summary>The position of the last event written to this connection.</summary>
    public EventPosition Cursor => _cursor;

    /// <summary>Queues a frame for this connection; never blocks. A full queue marks the connection lagged.</summary>
    internal void Enqueue(SseFrame frame)
    {
        if (!_queue.Writer.TryWrite(frame) && !_lagged)
        {
            _lagged = true;
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Queues a heartbeat when nothing was written for <paramref name="interval"/> milliseconds.</summary>
    internal void HeartbeatIfIdle(long nowTicks, long interval)
    {
        if (nowTicks - Volatile.Read(ref _lastWriteTicks) >= interval)
        {
            Volatile.Write(ref _lastWriteTicks, nowTicks);
            _queue.Writer.TryWrite(SseFrame.Heartbeat);
        }
    }

    /// <summary>
    /// The grain's answer to where the client asked to resume. Read once the connection is attached to its
    /// fanout: from here on every new event reaches the connection's queue.
    /// </summary>
    internal Task<TopicRead> ReadFirstAsync(ResumeFrom from, CancellationToken cancellationToken) =>
        _grain.ReadAsync(from, _options.ReplayPageEvents, _options.ReplayPageBytes, cancellationToken);

    /// <summary>
    /// Before the stream ends early (the silo is stopping, or the cluster cannot serve the topic now), asks the
    /// client to come back after <paramref name="delay"/> instead of the usual retry interval. Best effort;
    /// it may be all the stream ever says.
    /// </summary>
    internal async Task EndSoonAsync(TimeSpan delay)
    {
        try
        {
            Write(SseFrame.Retry(delay));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await FlushAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone or not reading: nothing to tell it.
        }
    }

    /// <summary>
    /// Runs the stream: <c>retry:</c> and the replay that starts with <paramref name="first"/>, flushed with the
    /// response headers, then live events until the client leaves, the connection lags or
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="first">What <see cref="ReadFirstAsync"/> answered.</param>
    /// <param name="lastEventId">What the client sent, quoted back in a <c>notify.reset</c>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    internal async Task RunAsync(TopicRead first, string? lastEventId, CancellationToken cancellationToken)
    {
        Write(SseFrame.Retry(_options.RetryInterval));
        await WriteReplayAsync(first, lastEventId, cancellationToken);
        if (await FlushAsync(cancellationToken))
        {
            return;
        }

        // The wait takes no token: with one, the channel allocates a waiter per wait (per delivery on a quiet
        // topic); without, it reuses one. Ending the stream completes the queue instead, which wakes the wait.
        await using var ending = cancellationToken.UnsafeRegister(static queue => ((Channel<SseFrame>)queue!).Writer.TryComplete(), _queue);
        var reader = _queue.Reader;
        while (!_lagged && await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (!_lagged && reader.TryRead(out var frame))
            {
                await WriteLiveAsync(frame, cancellationToken);
            }

            if (await FlushAsync(cancellationToken))
            {
                return;
            }
        }

        cancellationToken.ThrowIfCancellationRequested(); // ended, not lagged: the caller tells why

        if (_lagged)
        {
            _metrics.Lagged();
            LogLagged(Topic, _cursor, _options.SendQueueLimit);
            Write(SseFrame.ForLagged(_cursor, _options.SendQueueLimit));
            await FlushAsync(cancellationToken);
        }
    }

    private async Task WriteLiveAsync(SseFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Position is not { } position)
        {
            Write(frame);
            return;
        }

        if (position.Epoch == _cursor.Epoch && position.Sequence <= _cursor.Sequence)
        {
            return; // replayed already
        }

        if (!IsNext(position))
        {
            // A gap or another epoch: the grain knows what this connection missed.
            var read = await _grain.ReadAsync(ResumeFrom.Position(_cursor), _options.ReplayPageEvents, _options.ReplayPageBytes, cancellationToken);
            await WriteReplayAsync(read, _cursor.ToString(), cancellationToken);
        }

        if (IsNext(position))
        {
            Write(frame);
            _cursor = position;
        }
    }

    private async Task WriteReplayAsync(TopicRead read, string? lastEventId, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (read.Reset is { } reason)
            {
                _metrics.Reset(reason);
                LogReset(Topic, lastEventId, reason, read.ContinuesAfter);
                Write(SseFrame.ForReset(reason, lastEventId, read.ContinuesAfter));
            }

            foreach (var topicEvent in read.Events)
            {
                Write(SseFrame.ForEvent(topicEvent));
            }

            _cursor = read.End;
            if (!read.HasMore || await FlushAsync(cancellationToken))
            {
                return;
            }

            lastEventId = _cursor.ToString();
            read = await _grain.ReadAsync(ResumeFrom.Position(_cursor), _options.ReplayPageEvents, _options.ReplayPageBytes, cancellationToken);
        }
    }

    private bool IsNext(EventPosition position) =>
        position.Epoch == _cursor.Epoch && position.Sequence == _cursor.Sequence + 1;

    private void Write(SseFrame frame) => _body.Write(frame.Bytes.Span);

    /// <summary>Sends what was written; true when the client has gone.</summary>
    internal async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _body.FlushAsync(cancellationToken);
        Volatile.Write(ref _lastWriteTicks, Environment.TickCount64);
        return result.IsCompleted || result.IsCanceled;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: resume from {LastEventId} not honoured ({Reason}); continuing after {ContinuesAfter}")]
    private partial void LogReset(string topic, string? lastEventId, ResetReason reason, EventPosition continuesAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: closing a connection at {LastEventId}: {Limit} events were waiting for it")]
    private partial void LogLagged(string topic, EventPosition lastEventId, int limit);
}
