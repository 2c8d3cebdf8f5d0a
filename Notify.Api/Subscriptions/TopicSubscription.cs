using System.Buffers;
using System.IO.Pipelines;
using Notify.Api.Diagnostics;
using Notify.Api.Hosting;
using Notify.Api.Sse;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;

namespace Notify.Api.Subscriptions;

/// <summary>
/// One client's subscription to one topic: the replay of the events after its resume position, then live
/// events, with no gap and no duplicate, written to its event stream.
/// </summary>
/// <remarks>
/// <see cref="SubscriptionRegistry.OpenAsync"/> attaches the subscription to its topic's <see cref="TopicFanout"/>
/// before the first page of the replay is read, so every event published after that read reaches its queue.
/// Queued events its <see cref="TopicCursor"/> has passed already (replayed) are dropped; one it cannot take
/// as it is (a gap, or a jump quoting another position) makes it read what it missed from the grain first.
/// Exactly one task writes to the response: the one running <see cref="RunAsync"/>.
/// <para>
/// The queue is bounded. A subscription whose queue is full is closed after a <c>notify.lagged</c> event
/// rather than slowing the fan-out or the other subscriptions; the client resumes like any reconnect.
/// </para>
/// </remarks>
public sealed partial class TopicSubscription : IDisposable, IFrameQueue
{
    private readonly ITopicGrain _grain;
    /// <summary>
    /// Most bytes written between flushes. Each flush must complete within <see cref="SseOptions.WriteTimeout"/>, so a
    /// client is dropped only when it takes less than this in that time, however large a replay or a burst is.
    /// </summary>
    private const int FlushChunkBytes = 64 * 1024;

    private readonly StreamStart _start;
    private readonly SubscriptionServices _services;
    private readonly ILogger _logger;
    private readonly FrameQueue _queue;
    private long _lastWriteTicks = Environment.TickCount64;
    private volatile bool _lagged;
    private volatile bool _sending; // a flush did not complete at once: the client (or its connection's other lanes) is what it waits on
    private TopicCursor _cursor;
    private TopicRead? _first; // until the stream writes it: a replay's events are not kept for the stream's life
    private EventPosition? _startsAfter;
    private IDisposable? _attachment;
    private IStreamWriter _writer = null!;

    internal TopicSubscription(string topic, ITopicGrain grain, StreamStart start, SubscriptionServices services)
    {
        Topic = topic;
        _grain = grain;
        _start = start;
        _services = services;
        _logger = services.Logger;
        _queue = new FrameQueue(services.Options.SendQueueLimit, services.Wakeups);
    }

    /// <summary>The topic this subscription follows.</summary>
    public string Topic { get; }

    /// <summary>The position of the last event written to the client.</summary>
    public EventPosition Cursor => _cursor.Position;

    /// <summary>How many frames wait in the queue for the writer.</summary>
    internal int Queued => _queue.Count;

    /// <summary>
    /// The last event written to the client, or, before the stream has written anything, the position it starts after:
    /// what this subscription has written of the topic, as far as the publishes waiting for it are concerned.
    /// </summary>
    internal EventPosition WrittenUpTo => _cursor.Position.Epoch is null && _startsAfter is { } start ? start : _cursor.Position;

    /// <summary>Whether a send to the client is pending: the client reads slower than events come, not the silo writes.</summary>
    internal bool IsSending => _sending;

    /// <summary>Whether the client fell too far behind (its queue overflowed, or it stopped reading): the stream is ending.</summary>
    public bool Lagged => _lagged;

    void IFrameQueue.Enqueue(SseFrame frame) => Enqueue(frame);

    /// <summary>Queues a frame; never blocks. A full queue marks the subscription lagged.</summary>
    internal void Enqueue(SseFrame frame)
    {
        if (!_queue.TryWrite(frame) && !_lagged)
        {
            _lagged = true;
            _queue.Complete();
        }
    }

    /// <summary>
    /// How long the oldest event waiting in this subscription's queue has been published: how far this silo's writing is
    /// behind for this client. Zero when nothing waits, and while a send to the client is pending: a client that reads
    /// slowly is its own lag (it ends lagged), not the silo's.
    /// </summary>
    internal TimeSpan QueuedFor(DateTimeOffset now) =>
        !_sending && _queue.TryPeek(out var oldest) && oldest.PublishedAt is { } publishedAt && now > publishedAt
            ? now - publishedAt
            : TimeSpan.Zero;

    /// <summary>Queues a heartbeat when nothing was written for <paramref name="interval"/> milliseconds.</summary>
    internal void HeartbeatIfIdle(long nowTicks, long interval)
    {
        if (nowTicks - Volatile.Read(ref _lastWriteTicks) >= interval)
        {
            Volatile.Write(ref _lastWriteTicks, nowTicks);
            _queue.TryWrite(SseFrame.Heartbeat);
        }
    }

    /// <summary>Called by the registry once the subscription is attached: disposing it detaches.</summary>
    internal void AttachedAs(IDisposable attachment) => _attachment = attachment;

    /// <summary>
    /// Reads the grain's answer to where the client asked to resume: the subscription point. Called once the
    /// subscription is attached, so every event published after this read reaches the queue.
    /// </summary>
    internal async Task ReadFirstPageAsync(CancellationToken cancellationToken)
    {
        using var replay = SubscriptionTracing.StartReplay(Topic, _start.Asked);
        var first = await _services.Reader.ReadPageAsync(_grain, _start.From, cancellationToken);
        replay?.SetTag("notify.replay.events", first.Events.Count).SetTag("notify.reset.reason", first.Reset?.ToWireName());
        if (_start.Asked is not null)
        {
            _services.Metrics.Resumed(first.Reset);
        }

        _first = first;
        _startsAfter = first.ContinuesAfter;
    }

    /// <summary>Detaches from the topic's fan-out.</summary>
    public void Dispose() => Interlocked.Exchange(ref _attachment, null)?.Dispose();

    /// <summary>
    /// Writes the stream to the connection: <c>retry:</c> and the replay (flushed with the response headers), then
    /// live events, until the client leaves (<paramref name="clientGone"/>), the subscription lags, the client's token
    /// expires (after <c>notify.expired</c>), the silo stops or the cluster cannot serve the topic; in the last two cases
    /// the client is asked to come back soon. A client that stops reading is dropped after <see cref="SseOptions.WriteTimeout"/>.
    /// </summary>
    public Task RunAsync(SubscriberConnection connection, CancellationToken clientGone) =>
        RunAsync(new ConnectionStreamWriter(connection, _services.Options.WriteTimeout), connection.ExpiresAt, clientGone);

    /// <summary>The position the stream starts after (the first read's), before anything is written.</summary>
    internal EventPosition StartsAfter => _startsAfter ?? throw new InvalidOperationException("The subscription is not open.");

    /// <summary>Writes the stream through <paramref name="writer"/>, ending at <paramref name="expiresAt"/> when set; see the other overload.</summary>
    internal async Task RunAsync(IStreamWriter writer, DateTimeOffset? expiresAt, CancellationToken clientGone)
    {
        if (_first is null)
        {
            throw new InvalidOperationException("The subscription is not open, or its stream was written already.");
        }

        _writer = writer;
        using var expiry = expiresAt is { } at ? new CancellationTokenSource(SubscriberConnection.TimeLeft(at)) : null;
        using var ending = expiry is null // two tokens: the linked source holds no arrays (this lives as long as the stream)
            ? CancellationTokenSource.CreateLinkedTokenSource(clientGone, _services.SiloStopping)
            : CancellationTokenSource.CreateLinkedTokenSource(clientGone, _services.SiloStopping, expiry.Token);
        _services.Metrics.ConnectionOpened();
        try
        {
            await StreamAsync(ending.Token);
        }
        catch (Exception) when (clientGone.IsCancellationRequested)
        {
            // The client left.
        }
        catch (Exception) when (_services.SiloStopping.IsCancellationRequested)
        {
            // The client reconnects at once, through the load balancer, to another silo.
            await _writer.AskToReconnectSoonAsync();
        }
        catch (Exception) when (expiry?.IsCancellationRequested == true)
        {
            await EndExpiredAsync();
        }
        catch (Exception exception) when (OrleansFailures.IsUnavailable(exception))
        {
            // E.g. the topic grain's silo just died: the client comes back shortly and resumes from its last id.
            LogEndedUnavailable(exception, Topic, _cursor.Position);
            await _writer.AskToReconnectSoonAsync();
        }
        finally
        {
            _services.Metrics.ConnectionClosed();
        }
    }

    private async Task StreamAsync(CancellationToken cancellationToken)
    {
        _writer.Retry(_services.Options.RetryInterval);
        // The first page is handed to the replay and let go: no field, local or parameter of this method keeps it.
        await WritePagesAsync(_services.Reader.ContinueAsync(_grain, Interlocked.Exchange(ref _first, null)!, cancellationToken), _start.Asked, cancellationToken);
        if (await FlushAsync(cancellationToken))
        {
            return;
        }

        // The wait takes no token (the queue reuses its one wait); ending the stream completes the queue, which wakes it.
        await using var ending = cancellationToken.UnsafeRegister(static queue => ((FrameQueue)queue!).Complete(), _queue);
        while (!_lagged && await _queue.WaitToReadAsync())
        {
            DateTimeOffset? oldest = null;
            while (!_lagged && _writer.Pending < FlushChunkBytes && _queue.TryRead(out var frame))
            {
                oldest ??= frame.PublishedAt;
                if (!TryWriteLive(frame))
                {
                    await CatchUpAsync(frame, cancellationToken);
                }
            }

            if (await FlushAsync(cancellationToken))
            {
                return;
            }

            if (oldest is { } publishedAt)
            {
                _services.Metrics.Written(publishedAt); // once per write, not per frame: the lag of its oldest event
            }
        }

        cancellationToken.ThrowIfCancellationRequested(); // ended, not lagged: RunAsync tells why
        if (_lagged)
        {
            await EndLaggedAsync(cancellationToken);
        }
    }

    /// <summary>Writes a live frame if the cursor can take it as it is; false when the grain must be read first.</summary>
    private bool TryWriteLive(SseFrame frame)
    {
        if (frame.Position is { } position)
        {
            var step = _cursor.StepTo(position);
            if (step == CursorStep.Next)
            {
                _writer.Event(frame);
                _cursor = new TopicCursor(position);
            }

            return step != CursorStep.Gap; // a Seen event was replayed already
        }

        if (frame.Jump is { } jump)
        {
            if (_cursor.StepTo(jump.ContinuesAfter) == CursorStep.Seen)
            {
                return true; // the replay already started after the jump
            }

            if (jump.From != _cursor.Position)
            {
                return false; // the fan-out's reset quotes another position than this client's
            }

            _services.Metrics.Reset(jump.Reason);
            _writer.Jump(frame);
            _cursor = new TopicCursor(jump.ContinuesAfter);
            return true;
        }

        _writer.Heartbeat();
        return true;
    }

    /// <summary>Reads what this subscription missed from the grain, then writes <paramref name="frame"/> if it is next.</summary>
    private async Task CatchUpAsync(SseFrame frame, CancellationToken cancellationToken)
    {
        var missed = _services.Reader.ReadAllAsync(_grain, ResumeFrom.Position(_cursor.Position), cancellationToken);
        await WritePagesAsync(missed, _cursor.ToString(), cancellationToken);
        if (frame.Position is { } position && _cursor.StepTo(position) == CursorStep.Next)
        {
            _writer.Event(frame);
            _cursor = new TopicCursor(position);
        }
    }

    /// <summary>
    /// Writes pages read from the grain, each preceded by a <c>notify.reset</c> quoting <paramref name="lastEventId"/>
    /// when the grain could not honour it, and flushes between pages. The caller flushes the last one.
    /// </summary>
    private async Task WritePagesAsync(IAsyncEnumerable<TopicRead> pages, string? lastEventId, CancellationToken cancellationToken)
    {
        await foreach (var page in pages)
        {
            if (page.Reset is { } reason)
            {
                _services.Metrics.Reset(reason);
                var quoted = Diagnostics.ClientText.Safe(lastEventId); // the client's text: never raw into a log line
                LogReset(Topic, quoted, reason, page.ContinuesAfter);
                _writer.Reset(reason, lastEventId, page.ContinuesAfter);
            }

            foreach (var topicEvent in page.Events)
            {
                _writer.Event(SseFrame.ForEvent(topicEvent));
                if (_writer.Pending >= FlushChunkBytes && await FlushAsync(cancellationToken))
                {
                    return;
                }
            }

            _cursor = new TopicCursor(page.End);
            if (page.HasMore)
            {
                if (await FlushAsync(cancellationToken))
                {
                    return;
                }

                lastEventId = _cursor.ToString(); // a later page's reset is about where this one ended
            }
        }
    }
}
