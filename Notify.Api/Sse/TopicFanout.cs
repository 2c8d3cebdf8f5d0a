using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Streaming;
using Notify.Grains.Topics;
using Orleans.Streams;

namespace Notify.Api.Sse;

/// <summary>
/// One silo's view of one topic: a single stream subscription, whatever the number of local
/// connections, that encodes each event once and hands the same frame to every connection.
/// </summary>
/// <remarks>
/// The fanout forwards a contiguous run of positions: an event that arrives after a gap is preceded by
/// the missing ones, read from the topic grain; events already forwarded are dropped. Because a
/// lost last message leaves no gap to notice, the fanout also compares its position with the grain's
/// head every <see cref="SseOptions.StreamCheckInterval"/> and repairs when the stream has not caught
/// up since the previous check.
/// <para>
/// Stream callbacks only enqueue: Orleans delivers to all of a silo's non-grain subscriptions one
/// at a time, so a slow callback here would delay every topic on the silo.
/// </para>
/// </remarks>
public sealed partial class TopicFanout : IAsyncObserver<TopicEvent>, IAsyncDisposable
{
    private readonly ITopicGrain _grain;
    private readonly IAsyncStream<TopicEvent> _stream;
    private readonly SseOptions _options;
    private readonly ILogger _logger;
    private readonly NotifyMetrics _metrics;
    private readonly Channel<TopicEvent?> _inbox = Channel.CreateUnbounded<TopicEvent?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private SseConnection[] _connections = [];
    private StreamSubscriptionHandle<TopicEvent>? _subscription;
    private EventPosition _position;
    private EventPosition? _headAtLastCheck;
    private Task _processing = Task.CompletedTask;
    private Task _checking = Task.CompletedTask;
    private int _repairs;

    internal TopicFanout(string topic, IClusterClient client, SseOptions options, ILogger logger, NotifyMetrics metrics)
    {
        Topic = topic;
        _grain = client.GetGrain<ITopicGrain>(topic);
        _stream = client.GetStreamProvider(NotifyProviderNames.Streams).GetStream<TopicEvent>(NotifyStreams.ForTopic(topic));
        _options = options;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The topic this fanout serves.</summary>
    public string Topic { get; }

    /// <summary>How many times this fanout read events from the grain because its stream had not brought them.</summary>
    public int Repairs => Volatile.Read(ref _repairs);

    /// <summary>The connections currently attached.</summary>
    public IReadOnlyList<SseConnection> Connections => Volatile.Read(ref _connections);

    /// <summary>Subscribes to the topic's stream, then learns the topic's head: events up to it are not forwarded.</summary>
    internal async Task StartAsync()
    {
        _subscription = await _stream.SubscribeAsync(this);
        try
        {
            _position = await _grain.GetHeadAsync(_stopping.Token);
        }
        catch
        {
            try
            {
                await _subscription.UnsubscribeAsync();
            }
            catch (Exception exception)
            {
                LogUnsubscribeFailed(exception, Topic); // the start's own failure is the one that matters
            }

            throw;
        }

        _processing = Task.Run(ProcessAsync);
        _checking = Task.Run(CheckPeriodicallyAsync);
        _metrics.TopicWatched();
        LogWatching(Topic, _position);
    }

    /// <summary>Attaches a connection: it receives every event forwarded from now on.</summary>
    internal void Add(SseConnection connection)
    {
        lock (_gate)
        {
            _connections = [.. _connections, connection];
        }
    }

    internal void Remove(SseConnection connection)
    {
        lock (_gate)
        {
            _connections = Array.FindAll(_connections, c => c != connection);
        }
    }

    /// <summary>Drops the stream subscription and stops forwarding.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _inbox.Writer.TryComplete();
        try
        {
            if (_subscription is not null)
            {
                await _subscription.UnsubscribeAsync();
            }
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(exception, Topic);
        }

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
                if (item is null)
                {
                    await CheckHeadAsync();
                }
                else
                {
                    await ForwardAsync(item);
                }
            }
            catch (Exception exception) when (!_stopping.IsCancellationRequested)
            {
                // Nothing is lost: the next event's gap or the next head check reads from the grain again.
                LogRepairFailed(exception, Topic);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ForwardAsync(TopicEvent topicEvent)
    {
        if (IsNext(topicEvent.Position))
        {
            Dispatch(topicEvent);
            return;
        }

        if (topicEvent.Position.Epoch == _position.Epoch && topicEvent.Position.Sequence <= _position.Sequence)
        {
            return; // already forwarded (read from the grain before the stream brought it)
        }

        await RepairAsync();
        if (IsNext(topicEvent.Position))
        {
            Dispatch(topicEvent);
        }
    }

    private async Task CheckHeadAsync()
    {
        var head = await _grain.GetHeadAsync(_stopping.Token);
        var previous = _headAtLastCheck;
        _headAtLastCheck = head;

        // Events that existed a whole interval ago should have arrived by now.
        if (previous is { } expected && (expected.Epoch != _position.Epoch || expected.Sequence > _position.Sequence))
        {
            LogStreamBehind(Topic, _position, expected);
            await RepairAsync();
            await EnsureSubscribedAsync();
        }
    }

    /// <summary>A stream that stays silent may have lost this silo's subscription (e.g. with its pub-sub state): take a new one.</summary>
    private async Task EnsureSubscribedAsync()
    {
        var handles = await _stream.GetAllSubscriptionHandles();
        if (_subscription is { } current && handles.Any(h => h.HandleId == current.HandleId))
        {
            return;
        }

        LogResubscribing(Topic);
        _subscription = await _stream.SubscribeAsync(this);
    }

    private async Task RepairAsync()
    {
        Interlocked.Increment(ref _repairs);
        _metrics.Repaired();
        TopicRead read;
        do
        {
            read = await _grain.ReadAsync(ResumeFrom.Position(_position), _options.ReplayPageEvents, _options.ReplayPageBytes, _stopping.Token);
            if (read.Reset is { } reason)
            {
                // The connections see the jump (a gap or another epoch) and ask the grain for their own reset.
                LogFanoutReset(Topic, _position, reason);
            }

            foreach (var topicEvent in read.Events)
            {
                Dispatch(topicEvent);
            }

            _position = read.End;
        }
        while (read.HasMore);
    }

    private bool IsNext(EventPosition position) =>
        position.Epoch == _position.Epoch && position.Sequence == _position.Sequence + 1;

    private void Dispatch(TopicEvent topicEvent)
    {
        _position = topicEvent.Position;
        var frame = SseFrame.ForEvent(topicEvent);
        var connections = Volatile.Read(ref _connections);
        foreach (var connection in connections)
        {
            connection.Enqueue(frame);
        }

        _metrics.Delivered(connections.Length);
    }

    private async Task CheckPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(_options.StreamCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                _inbox.Writer.TryWrite(null);
            }
        }
        catch (OperationCanceledException)
        {
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: position {Position} could not be continued ({Reason}); forwarding from the oldest buffered event")]
    private partial void LogFanoutReset(string topic, EventPosition position, ResetReason reason);
}
