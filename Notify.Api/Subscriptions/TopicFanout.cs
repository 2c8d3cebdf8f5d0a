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
    private readonly ITopicGrain _grain;
    private readonly IAsyncStream<TopicEvent> _stream;
    private readonly TopicReader _reader;
    private readonly HeadCheckSchedule _checks;
    private readonly ILogger _logger;
    private readonly NotifyMetrics _metrics;
    private readonly Channel<TopicEvent?> _inbox = Channel.CreateUnbounded<TopicEvent?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TopicSubscription[] _subscriptions = [];
    private StreamSubscriptionHandle<TopicEvent>? _streamSubscription;
    private TopicCursor _cursor;
    private EventPosition? _behind; // the head a check saw while the cursor was behind it
    private Task _processing = Task.CompletedTask;
    private Task _checking = Task.CompletedTask;
    private int _repairs;

    internal TopicFanout(string topic, IClusterClient client, TopicReader reader, TimeSpan checkInterval, ILogger logger, NotifyMetrics metrics)
    {
        Topic = topic;
        _grain = client.GetGrain<ITopicGrain>(topic);
        _stream = client.GetStreamProvider(NotifyProviderNames.Streams).GetStream<TopicEvent>(NotifyStreams.ForTopic(topic));
        _reader = reader;
        _checks = new HeadCheckSchedule(checkInterval, () => _inbox.Writer.TryWrite(null)); // null in the inbox asks for a head check
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The topic this fan-out serves.</summary>
    public string Topic { get; }

    /// <summary>How many times this fan-out read events from the grain because its stream had not brought them.</summary>
    public int Repairs => Volatile.Read(ref _repairs);

    /// <summary>The subscriptions currently attached.</summary>
    public IReadOnlyList<TopicSubscription> Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Subscribes to the topic's stream, then learns the topic's head: events up to it are not passed on.</summary>
    internal async Task StartAsync()
    {
        _streamSubscription = await _stream.SubscribeAsync(this);
        try
        {
            _cursor = new TopicCursor(await _reader.ReadHeadAsync(_grain, _stopping.Token));
        }
        catch
        {
            await UnsubscribeAsync(); // the start's own failure is the one that matters
            throw;
        }

        _processing = Task.Run(ProcessAsync);
        _checking = Task.Run(() => _checks.RunAsync(_stopping.Token));
        _metrics.TopicWatched();
        LogWatching(Topic, _cursor.Position);
    }

    /// <summary>Attaches a subscription: it receives every frame passed on from now on.</summary>
    internal void Add(TopicSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
    }

    internal void Remove(TopicSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = Array.FindAll(_subscriptions, s => s != subscription);
        }
    }

    /// <summary>A head check soon: a silo of the cluster died, and its stream queues may have held this topic's events.</summary>
    internal void CheckSoon() => _checks.CheckSoon();

    /// <summary>Drops the stream subscription and stops passing events on.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _inbox.Writer.TryComplete();
        await UnsubscribeAsync();
        await Task.WhenAll(_processing, _checking);
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
                CheckSoon();
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ForwardAsync(TopicEvent topicEvent)
    {
        var step = _cursor.StepTo(topicEvent.Position);
        if (step == CursorStep.Gap)
        {
            await RepairAsync();
            step = _cursor.StepTo(topicEvent.Position);
        }

        if (step == CursorStep.Next)
        {
            Dispatch(topicEvent);
        }
    }

    /// <summary>
    /// Compares the cursor with the grain's head. When the cursor is behind, a follow-up check comes
    /// <see cref="HeadCheckSchedule.FollowUpDelay"/> later; if the stream has still not brought the head seen then, the rest is read from the
    /// grain. A lost last message is therefore repaired within about one check interval plus the follow-up delay.
    /// </summary>
    private async Task CheckHeadAsync()
    {
        var head = await _reader.ReadHeadAsync(_grain, _stopping.Token);
        if (_cursor.StepTo(head) == CursorStep.Seen)
        {
            _behind = null;
            return;
        }

        if (_behind is { } expected && _cursor.StepTo(expected) != CursorStep.Seen)
        {
            // Events that existed a follow-up delay ago should have arrived by now.
            LogStreamBehind(Topic, _cursor.Position, expected);
            _behind = null;
            await RepairAsync();
            await EnsureSubscribedAsync();
            return;
        }

        _behind = head;
        CheckSoon();
    }

    /// <summary>A stream that stays silent may have lost this silo's subscription (e.g. with its pub-sub state): take a new one.</summary>
    private async Task EnsureSubscribedAsync()
    {
        var handles = await _stream.GetAllSubscriptionHandles();
        if (_streamSubscription is { } current && handles.Any(h => h.HandleId == current.HandleId))
        {
            return;
        }

        LogResubscribing(Topic);
        _streamSubscription = await _stream.SubscribeAsync(this);
    }

    /// <summary>Reads what the stream has not brought from the grain, once for every local subscription.</summary>
    private async Task RepairAsync()
    {
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

            _cursor = new TopicCursor(page.End);
        }
    }

    private void Dispatch(TopicEvent topicEvent)
    {
        _cursor = new TopicCursor(topicEvent.Position);
        var delivered = DispatchToAll(SseFrame.ForEvent(topicEvent));
        _metrics.Delivered(delivered);
    }

    private int DispatchToAll(SseFrame frame)
    {
        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var subscription in subscriptions)
        {
            subscription.Enqueue(frame);
        }

        return subscriptions.Length;
    }

    private async Task UnsubscribeAsync()
    {
        try
        {
            if (_streamSubscription is not null)
            {
                await _streamSubscription.UnsubscribeAsync();
            }
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(exception, Topic);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watching topic {Topic} from {Position}")]
    private partial void LogWatching(string topic, EventPosition position);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No longer watching topic {Topic}")]
    private partial void LogUnwatched(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not drop the stream subscription")]
    private partial void LogUnsubscribeFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: the stream reported an error")]
    private partial void LogStreamError(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not read missing events from the grain; will retry")]
    private partial void LogRepairFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: the stream is at {Position} but the grain was at {Head} a check ago; reading the rest from the grain")]
    private partial void LogStreamBehind(string topic, EventPosition position, EventPosition head);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: this silo's stream subscription is gone; subscribing again")]
    private partial void LogResubscribing(string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: position {Position} could not be continued ({Reason}); passing on from the oldest buffered event")]
    private partial void LogFanoutReset(string topic, EventPosition position, ResetReason reason);
}
