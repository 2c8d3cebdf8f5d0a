using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Storage;
using Notify.Grains.Streaming;
using Orleans.Streams;

namespace Notify.Grains.Topics;

/// <summary>
/// The topic grain: the one place a topic's ids are assigned and its recent events are kept.
/// </summary>
/// <remarks>
/// Publishes are serialized by the grain (it is not reentrant), so sequences are contiguous and the
/// stream receives events in order. Reads interleave: they only look at the buffer.
/// <para>
/// The topic's history lives in its <see cref="ITopicLog"/>; the activation keeps the recent events in memory
/// too and answers reads from there, so subscribers never wait on the store. With a durable log a new
/// activation (on any silo, after a crash) continues the same epoch and positions. Without one the memory
/// is the history: the activation then delays its own collection for as long as its newest event may be
/// resumed, and a lost activation means a new epoch, which resuming clients are told about.
/// </para>
/// </remarks>
internal sealed partial class TopicGrain : Grain, ITopicGrain
{
    /// <summary>Upper bound of one read's page, whatever the caller asks.</summary>
    internal const int MaxPageEvents = 10_000;

    private readonly TopicOptions _options;
    private readonly ITopicLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<TopicGrain> _logger;
    private readonly RecentEventBuffer _buffer;
    private readonly IdempotencyKeys _idempotencyKeys;
    private string _epoch = "";
    private bool _stale; // the in-memory copy may lack stored events: reload before the next publish
    private IAsyncStream<TopicEvent> _stream = null!;

    public TopicGrain(
        IOptions<TopicOptions> options,
        ITopicLog log,
        [FromKeyedServices(TopicOptions.ClockKey)] TimeProvider time,
        ILogger<TopicGrain> logger)
    {
        _options = options.Value;
        _log = log;
        _time = time;
        _logger = logger;
        _buffer = new RecentEventBuffer(_options.BufferMaxEvents, _options.BufferMaxAge, _options.BufferMaxBytes);
        _idempotencyKeys = new IdempotencyKeys(_options.IdempotencyWindow, _options.IdempotencyMaxKeys);
    }

    private string Topic => this.GetPrimaryKeyString();

    private EventPosition Head => new(_epoch, _buffer.LastSequence);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(NotifyProviderNames.Streams).GetStream<TopicEvent>(NotifyStreams.ForTopic(Topic));
        await LoadAsync(cancellationToken);
        LogActivated(Topic, Head);
    }

    /// <summary>Replaces the in-memory copy with what the log holds.</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var state = await _log.LoadAsync(Topic, EventPosition.NewEpoch(), _time.GetUtcNow(), cancellationToken);
        if (state.Epoch != _epoch)
        {
            _idempotencyKeys.Clear(); // they name positions of a history that is gone
        }

        _epoch = state.Epoch;
        _stale = false;
        var contiguous = state.Events.Count > 0 && state.Events[^1].Position.Sequence == state.LastSequence;
        _buffer.Reset(contiguous ? state.Events[0].Position.Sequence - 1 : state.LastSequence);
        if (contiguous)
        {
            foreach (var topicEvent in state.Events)
            {
                _buffer.Append(topicEvent);
            }
        }
    }

    public async Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request.Data);
        cancellationToken.ThrowIfCancellationRequested(); // its caller has given up: not stored
        if (_stale)
        {
            await LoadAsync(CancellationToken.None);
        }

        var now = _time.GetUtcNow();
        if (request.IdempotencyKey is { } key && _idempotencyKeys.TryGet(key, now, out var earlier))
        {
            return new PublishResult(earlier, Replayed: true);
        }

        var expected = Head.Next;
        // Not cancelled once started: the store may have the event whatever this side does, and the grain must learn its position.
        var appended = await _log.AppendAsync(
            Topic, new TopicLogEntry(expected, EventPosition.NewEpoch(), request.Type, request.Data, request.IdempotencyKey, now), CancellationToken.None);
        if (request.IdempotencyKey is { } newKey)
        {
            _idempotencyKeys.Remember(newKey, appended.Position, now);
        }

        if (appended.Replayed)
        {
            if (appended.Position.Epoch != _epoch || appended.Position.Sequence > Head.Sequence)
            {
                // The first attempt was stored although it failed here (its answer was lost): load it, so readers
                // and silos see it (they notice the new head and read it from this grain).
                await ReloadAfterStoringAsync(expected, appended.Position);
            }

            return new PublishResult(appended.Position, Replayed: true);
        }

        var topicEvent = new TopicEvent(appended.Position, request.Type, request.Data, now);
        if (appended.Position == expected)
        {
            _buffer.Append(topicEvent);
            _buffer.TrimExpired(now);
        }
        else
        {
            // Someone else wrote to this topic's log (a second activation during a failover), an earlier attempt was
            // stored without an answer, or the log lost the history and started a new epoch: take the log's view,
            // which includes this event.
            await ReloadAfterStoringAsync(expected, appended.Position);
        }

        if (!_log.IsDurable)
        {
            // Keep this activation (the only copy of the history) for as long as its newest event is resumable.
            DelayDeactivation(_options.BufferMaxAge);
        }

        await SendAsync(topicEvent);
        return new PublishResult(topicEvent.Position, Replayed: false);
    }

    /// <summary>Hands a stored event to the topic's stream; never fails the publish, which stands once the event is stored.</summary>
    private async Task SendAsync(TopicEvent topicEvent)
    {
        try
        {
            // Bounded: publishes to this topic wait for each other, and a stalled stream must not stall them.
            await _stream.OnNextAsync(topicEvent).WaitAsync(_options.StreamSendTimeout);
        }
        catch (Exception exception)
        {
            // Silos notice the missing position (the next event's gap, or their periodic head check) and read it from this grain.
            LogStreamSendFailed(exception, Topic, topicEvent.Id);
        }
    }

    /// <summary>Reloads after a stored event; if that fails, the publish still stands and the next one reloads.</summary>
    private async Task ReloadAfterStoringAsync(EventPosition expected, EventPosition stored)
    {
        LogReloading(Topic, expected, stored);
        try
        {
            await LoadAsync(CancellationToken.None);
        }
        catch (TopicLogUnavailableException exception)
        {
            _stale = true;
            LogReloadFailed(exception, Topic);
        }
    }

    public Task<TopicRead> ReadAsync(ResumeFrom from, int maxEvents, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        _buffer.TrimExpired(_time.GetUtcNow());
        var head = Head;
        var beforeOldest = new EventPosition(_epoch, _buffer.FirstSequence - 1);

        (ResetReason? reset, EventPosition after) = from switch
        {
            { Kind: ResumeKind.Live } => (null, head),
            { Kind: ResumeKind.Earliest } => (null, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } when position.Epoch != _epoch => (ResetReason.Epoch, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } when position.Sequence > head.Sequence => (ResetReason.Unknown, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } when position.Sequence < beforeOldest.Sequence => (ResetReason.Expired, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } => ((ResetReason?)null, position),
            _ => (ResetReason.Malformed, beforeOldest),
        };

        var events = _buffer.CopyAfter(after.Sequence, Math.Clamp(maxEvents, 1, MaxPageEvents), Math.Max(1, maxBytes));
        return Task.FromResult(new TopicRead(reset, after, events, head));
    }

    public Task<EventPosition> GetHeadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Head);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Topic {Topic} activated at {Head}")]
    private partial void LogActivated(string topic, EventPosition head);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not reload from the log; the next publish retries")]
    private partial void LogReloadFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: expected to store {Expected} but the log gave {Actual}; reloading the topic from its log")]
    private partial void LogReloading(string topic, EventPosition expected, EventPosition actual);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: event {EventId} is stored but could not be sent on the stream; subscribers will read it from the grain")]
    private partial void LogStreamSendFailed(Exception exception, string topic, string eventId);
}
