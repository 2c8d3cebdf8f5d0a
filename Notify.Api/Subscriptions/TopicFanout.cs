using System.Threading.Channels;
using Notify.Api.Diagnostics;
using Notify.Api.Sse;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Streaming;
using Notify.Grains.Topics;
using Orleans.Streams;

namespace Notify.Api.Subscriptions;

/// <summary>
/// One silo's view of one topic: a single stream subscription, whatever the number of local
/// subscriptions, that encodes each event once and hands the same frame to every subscription.
/// </summary>
/// <remarks>
/// The fan-out passes on a contiguous run of positions (its <see cref="TopicCursor"/>): an event that arrives
/// after a gap is preceded by the missing ones, read from the topic grain once for the whole silo; events
/// already passed on are dropped. When the topic cannot be continued (another epoch, or the events left the
/// buffer), the subscriptions get one shared <c>notify.reset</c> (<see cref="SseFrame.ForJump"/>) before the
/// events that follow. Because a lost last message leaves no gap to notice, the fan-out also compares its
/// position with the grain's head every <see cref="SseOptions.StreamCheckInterval"/> and repairs when the
/// stream has not caught up with it a moment later.
/// <para>
/// Stream callbacks only enqueue: Orleans delivers to all of a silo's non-grain subscriptions one
/// at a time, so a slow callback here would delay every topic on the silo.
/// </para>
/// </remarks>
public sealed partial class TopicFanout : IAsyncObserver<TopicEvent>, IAsyncDisposable
{
    private const int BacklogReuseMs = 2;
    private static readonly TimeSpan AttachWait = TimeSpan.FromSeconds(1);

    private readonly ITopicGrain _grain;
    private readonly string _silo; // this silo's address, on the fan-out's spans
    private readonly TopicStreamAttachment _attachment;
    private readonly TopicReader _reader;
    private readonly HeadCheckSchedule _checks;
    private readonly ILogger _logger;
    private readonly NotifyMetrics _metrics;
    private readonly Channel<TopicEvent?> _inbox = Channel.CreateUnbounded<TopicEvent?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly SubscriptionSet<TopicSubscription> _subscriptions = new();
    private TopicCursor _cursor;
    private string? _epoch; // shared by the positions this fan-out hands out (SharedEpoch)
    private long _backlogTicks;
    private long _backlogMeasuredAt = long.MinValue / 2;
    private object? _passedOn; // the cursor's position, boxed: read whole from any thread
    private EventPosition? _behind; // the head a check saw while the cursor was behind it
    private volatile bool _suspect; // a silo died or a read failed since the last good check: the stream may have lost events
    private Task _processing = Task.CompletedTask;
    private Task _attaching = Task.CompletedTask;
    private int _repairs;

    internal TopicFanout(string topic, IClusterClient client, SubscriptionServices services, string silo, ILogger logger)
    {
        Topic = topic;
        _silo = silo;
        _grain = client.GetTopicGrain(topic);
        var stream = client.GetStreamProvider(NotifyProviderNames.Streams).GetStream<TopicEvent>(NotifyStreams.ForTopic(topic));
        _attachment = new TopicStreamAttachment(stream, this, Suspect, logger);
        _reader = services.Reader;
        // null in the inbox asks for a head check; until the stream is attached, one every tick.
        _checks = new HeadCheckSchedule(
            services.Options.StreamCheckInterval, services.Options.QuietStreamCheckInterval, () => _inbox.Writer.TryWrite(null), () => !_attachment.IsAttached);
        _logger = logger;
        _metrics = services.Metrics;
    }

    /// <summary>The topic this fan-out serves.</summary>
    public string Topic { get; }

    /// <summary>How many times this fan-out read events from the grain because its stream had not brought them.</summary>
    public int Repairs => Volatile.Read(ref _repairs);

    /// <summary>The subscriptions currently attached (a copy).</summary>
    public IReadOnlyList<TopicSubscription> Subscriptions => _subscriptions.Snapshot();

    /// <summary>How many subscriptions are attached.</summary>
    public int SubscriptionCount => _subscriptions.Count;

    /// <summary>
    /// Subscribes to the topic's stream, then learns the topic's head: events up to it are not passed on. A subscription
    /// that takes more than <see cref="AttachWait"/> (the stream's pub-sub waiting on a failed silo) goes on in the
    /// background, and until it is made the events that follow the head are read from the grain.
    /// </summary>
    internal async Task StartAsync()
    {
        await _attachment.AttachAsync(AttachWait, _stopping.Token);
        try
        {
            Advance(await _reader.ReadHeadAsync(_grain, _stopping.Token));
        }
        catch
        {
            await _attachment.DetachAsync(Topic); // the start's own failure is the one that matters
            throw;
        }

        // The loops serve every subscriber, not the one whose request started the fan-out: they do not join its trace.
        using (ExecutionContext.SuppressFlow())
        {
            _processing = Task.Run(ProcessAsync);
            _attaching = Task.Run(() => _attachment.RunAsync(Topic, _stopping.Token));
        }

        _metrics.TopicWatched();
        LogWatching(Topic, _cursor.Position);
    }

    /// <summary>Attaches a subscription: it receives every frame passed on from now on.</summary>
    internal void Add(TopicSubscription subscription) => _subscriptions.Add(subscription);

    internal void Remove(TopicSubscription subscription) => _subscriptions.Remove(subscription);

    /// <summary>
    /// A silo of the cluster died, and its stream queues may have held this topic's events: the next check reads from the
    /// grain whatever it finds missing, without first giving the stream a follow-up delay to bring it.
    /// </summary>
    internal void SiloLost() => Suspect();

    /// <summary>One tick of the silo's head-check clock (<see cref="StreamHeadChecks"/>).</summary>
    internal void TickHeadChecks(TimeSpan elapsed)
    {
        if (!_stopping.IsCancellationRequested)
        {
            _checks.Tick(elapsed);
        }
    }

    /// <summary>
    /// How far behind this silo writes the topic's events to its subscribers: the median, over up to
    /// <see cref="BacklogSample.Size"/> subscriptions spread over the topic's, of how long the oldest event each has
    /// queued has been published (<see cref="TopicSubscription.QueuedFor"/>). The median, so that a few slow clients do
    /// not make the silo look behind; a sample, so that asking costs the same at 10 subscribers or 100,000.
    /// </summary>
    internal TimeSpan Backlog()
    {
        // Measured at most once per BacklogReuseMs: at thousands of publishes per second, one sample serves many.
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _backlogMeasuredAt) < BacklogReuseMs)
        {
            return TimeSpan.FromTicks(Volatile.Read(ref _backlogTicks));
        }

        var backlog = MeasureBacklog();
        Volatile.Write(ref _backlogTicks, backlog.Ticks);
        Volatile.Write(ref _backlogMeasuredAt, now);
        return backlog;
    }

    private TimeSpan MeasureBacklog()
    {
        var sample = new BacklogSample();
        Span<TopicSubscription?> subscriptions = sample;
        var count = _subscriptions.Sample(subscriptions);
        if (count == 0)
        {
            return TimeSpan.Zero;
        }

        Span<long> waits = stackalloc long[count];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            waits[i] = subscriptions[i]!.QueuedFor(now).Ticks;
        }

        waits.Sort();
        return TimeSpan.FromTicks(waits[count / 2]);
    }

    /// <summary>
    /// Whether this silo has handed <paramref name="position"/> to its subscriptions already. A position of another
    /// epoch than the fan-out's counts as handed over: the fan-out cannot tell, and has moved on from it either way.
    /// </summary>
    internal bool HasPassedOn(EventPosition position) =>
        Volatile.Read(ref _passedOn) is not EventPosition passed || passed.Epoch != position.Epoch || passed.Sequence >= position.Sequence;

    /// <summary>
    /// Whether this silo's subscribers have written <paramref name="position"/> to their connections: it was passed on,
    /// and none of up to <see cref="BacklogSample.Size"/> subscriptions spread over the topic's is still before it.
    /// Clients whose send is pending (they read slowly, and end lagged if they go on) and lagged ones do not count, nor
    /// do positions of another epoch than a subscription's (it cannot tell). True when the topic has no subscriber here.
    /// </summary>
    internal bool HasWritten(EventPosition position)
    {
        var sample = new BacklogSample();
        Span<TopicSubscription?> subscriptions = sample;
        var count = _subscriptions.Sample(subscriptions);
        if (count == 0)
        {
            return true;
        }

        if (!HasPassedOn(position))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            var subscription = subscriptions[i]!;
            if (!subscription.IsSending && !subscription.Lagged && subscription.WrittenUpTo is var cursor
                && string.Equals(cursor.Epoch, position.Epoch, StringComparison.Ordinal) && cursor.Sequence < position.Sequence)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Queues a heartbeat on every subscription that has written nothing for the interval.</summary>
    internal void HeartbeatIdle(long now, long intervalMs) =>
        _subscriptions.ForEach(static (subscription, state) => subscription.HeartbeatIfIdle(state.now, state.intervalMs), (now, intervalMs));

    private void Suspect()
    {
        _suspect = true;
        _checks.CheckSoon();
    }

    /// <summary>Drops the stream subscription and stops passing events on.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _inbox.Writer.TryComplete();
        await Task.WhenAll(_processing, _attaching);
        await _attachment.DetachAsync(Topic);
        _stopping.Dispose();
        _metrics.TopicUnwatched();
        LogUnwatched(Topic);
    }

    Task IAsyncObserver<TopicEvent>.OnNextAsync(TopicEvent item, StreamSequenceToken? token)
    {
        _inbox.Writer.TryWrite(item);
        return Task.CompletedTask;
    }

    Task IAsyncObserver<TopicEvent>.OnCompletedAsync() => Task.CompletedTask;

    Task IAsyncObserver<TopicEvent>.OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, Topic);
        _inbox.Writer.TryWrite(null);
        return Task.CompletedTask;
    }

    private async Task ProcessAsync()
    {
        // null in the inbox asks for a head check.
        await foreach (var item in _inbox.Reader.ReadAllAsync())
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await (item is null ? CheckHeadAsync() : ForwardAsync(item));
            }
            catch (Exception exception) when (!_stopping.IsCancellationRequested)
            {
                // Nothing is lost: the next event's gap or the next head check (soon) reads from the grain again.
                LogRepairFailed(exception, Topic);
                Suspect();
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ForwardAsync(TopicEvent topicEvent)
    {
        using var span = SubscriptionTracing.StartFanout(Topic, _silo, topicEvent);
        var step = _cursor.StepTo(topicEvent.Position);
        if (step == CursorStep.Gap)
        {
            await RepairAsync();
            step = _cursor.StepTo(topicEvent.Position);
        }

        var connections = step == CursorStep.Next ? Dispatch(topicEvent) : 0;
        span?.SetTag(SubscriptionTracing.ConnectionsTag, connections);
    }

    /// <summary>
    /// Compares the cursor with the grain's head. When the cursor is behind, a follow-up check comes
    /// <see cref="HeadCheckSchedule.FollowUpDelay"/> later; if the stream has still not brought the head seen then, the rest is read from the
    /// grain. A lost last message is therefore repaired within about one check interval plus the follow-up delay. After a silo
    /// died or a read failed, or while the stream is not attached, the stream is not waited for: what is missing is read at once.
    /// </summary>
    private async Task CheckHeadAsync()
    {
        var suspect = _suspect;
        _suspect = false; // a failure from here on sets it again
        var head = await _reader.ReadHeadAsync(_grain, _stopping.Token);
        if (_cursor.StepTo(head) == CursorStep.Seen)
        {
            _behind = null;
            return;
        }

        if (!_attachment.IsAttached)
        {
            // No stream yet to bring them: the grain is the only source.
            _behind = null;
            await RepairAsync();
            return;
        }

        if (suspect || (_behind is { } expected && _cursor.StepTo(expected) != CursorStep.Seen))
        {
            // Events that existed a follow-up delay ago should have arrived by now, or the stream may have lost them.
            LogStreamBehind(Topic, _cursor.Position, head);
            _behind = null;
            await RepairAsync();
            _attachment.Verify();
            return;
        }

        _behind = head;
        _checks.CheckSoon();
    }

    /// <summary>Reads what the stream has not brought from the grain, once for every local subscription.</summary>
    private async Task RepairAsync()
    {
        using var span = SubscriptionTracing.StartRepair(Topic, _silo, _cursor.Position);
        Interlocked.Increment(ref _repairs);
        _metrics.Repaired();
        await foreach (var page in _reader.ReadAllAsync(_grain, ResumeFrom.Position(_cursor.Position), _stopping.Token))
        {
            if (page.Reset is { } reason)
            {
                LogFanoutReset(Topic, _cursor.Position, reason);
                DispatchToAll(SseFrame.ForJump(new TopicJump(reason, _cursor.Position, page.ContinuesAfter)));
            }

            foreach (var topicEvent in page.Events)
            {
                Dispatch(topicEvent);
            }

            Advance(page.End);
        }
    }

    private int Dispatch(TopicEvent topicEvent)
    {
        _checks.EventArrived();
        var position = SharedEpoch(topicEvent.Position);
        Advance(position);
        var delivered = DispatchToAll(SseFrame.ForEvent(topicEvent, position));
        _metrics.Delivered(delivered);
        return delivered;
    }

    /// <summary>Moves the cursor, and what <see cref="HasPassedOn"/> reads from other threads.</summary>
    private void Advance(EventPosition position)
    {
        _cursor = new TopicCursor(position);
        Volatile.Write(ref _passedOn, position);
    }

    private int DispatchToAll(SseFrame frame) => _subscriptions.Enqueue(frame);

    /// <summary>
    /// <paramref name="position"/> with the fan-out's own copy of its epoch. Each stream message brings a new copy, and
    /// every subscription's cursor keeps the position it last wrote: a young string referenced from each of 10,000
    /// long-lived cursors, which every gen0 collection has to find through their cards (in <c>manytopics</c>, 15 instead
    /// of 19–25 ms per collection; docs/performance.md).
    /// </summary>
    private EventPosition SharedEpoch(EventPosition position)
    {
        if (_epoch is { } epoch && string.Equals(epoch, position.Epoch, StringComparison.Ordinal))
        {
            return new EventPosition(epoch, position.Sequence);
        }

        _epoch = position.Epoch;
        return position;
    }

    /// <summary>Room for the subscriptions <see cref="Backlog"/> looks at, on the stack.</summary>
    [System.Runtime.CompilerServices.InlineArray(Size)]
    private struct BacklogSample
    {
        public const int Size = 15;
        private TopicSubscription? _first;
    }
}
