using Microsoft.Extensions.Logging;
using Notify.Grains.Events;
using Orleans.Streams;

namespace Notify.Grains.Topics;

/// <summary>
/// Hands a topic's stored events to its stream, one stream message at a time and in order: the events stored while a
/// message is being sent go together in the next one. So the grain stores the next batch while the last is still being
/// sent, instead of after it, and a busy topic sends one stream message (one queue write, one delivery to each silo)
/// for many events instead of one per batch.
/// </summary>
/// <remarks>
/// Events the stream has not taken are kept in the grain's buffer (<paramref name="keepFrom"/>) beyond its count limit:
/// while a message is being sent, and after a send failed, until the stream has carried messages again for
/// <see cref="KeepAfterFailure"/>. Silos read what the stream did not bring from the grain (the next message's gap, a
/// head check), and a busy topic would otherwise have dropped it from its buffer before they did.
/// Runs in its grain's turns (called from the grain, awaiting on its scheduler): no locks.
/// </remarks>
internal sealed partial class TopicStreamSender(
    Func<List<TopicEvent>, Task> send, TimeSpan sendTimeout, Action<long?> keepFrom, TimeProvider time, string topic, ILogger logger)
{
    /// <summary>
    /// How long after the last failed send the events from the first one on are kept: silos that missed them notice at the
    /// next message's gap or within a head-check interval and its follow-up (about 6 s), and the subscribers of a silo
    /// that stalled come back to read them once the gateway has ended their streams (about 5 s into the stall).
    /// </summary>
    public static readonly TimeSpan KeepAfterFailure = TimeSpan.FromSeconds(30);

    private List<TopicEvent> _waiting = [];
    private bool _sending;
    private long? _keptFrom; // the oldest event the stream may not have carried
    private DateTimeOffset? _failedAt; // the last failed send, while its events are kept
    private bool _letGoPending; // a LetGoLaterAsync is waiting

    /// <summary>Whether a message is being sent.</summary>
    internal bool IsSending => _sending;

    /// <summary>Sends on a topic's stream: one event as itself, several as one batch message.</summary>
    public static Func<List<TopicEvent>, Task> To(IAsyncStream<TopicEvent> stream) =>
        events => events.Count == 1 ? stream.OnNextAsync(events[0]) : stream.OnNextBatchAsync(events);

    /// <summary>Queues stored events for the stream; they go with the next message.</summary>
    public void Send(List<TopicEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        _waiting.AddRange(events);
        if (!_sending)
        {
            _sending = true;
            _ = SendWaitingAsync();
        }
    }

    private async Task SendWaitingAsync()
    {
        try
        {
            while (_waiting.Count > 0)
            {
                var events = _waiting;
                _waiting = [];
                Keep(events[0].Position.Sequence);
                if (await SendOnceAsync(events))
                {
                    LetGoIfCarried();
                }
                else
                {
                    _failedAt = time.GetUtcNow();
                }
            }
        }
        finally
        {
            _sending = false;
        }

        if (_failedAt is not null && !_letGoPending)
        {
            _letGoPending = true;
            _ = LetGoLaterAsync(); // the topic may go quiet: nothing else would let the kept events go
        }
    }

    private void Keep(long sequence)
    {
        if (_keptFrom is null)
        {
            _keptFrom = sequence;
            keepFrom(sequence);
        }
    }

    /// <summary>After a message the stream took: the kept events go, unless a send failed within <see cref="KeepAfterFailure"/>.</summary>
    private void LetGoIfCarried()
    {
        if (_failedAt is { } failedAt && time.GetUtcNow() - failedAt < KeepAfterFailure)
        {
            return;
        }

        _failedAt = null;
        if (_keptFrom is not null)
        {
            _keptFrom = null;
            keepFrom(null);
        }
    }

    /// <summary>One wait at a time, however many sends end meanwhile: it waits again while later failures move the window.</summary>
    private async Task LetGoLaterAsync()
    {
        try
        {
            while (_failedAt is { } failedAt)
            {
                var left = failedAt + KeepAfterFailure - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    if (!_sending)
                    {
                        LetGoIfCarried(); // the silos' repair has had its time; a send under way decides for itself
                    }

                    return;
                }

                await Task.Delay(left + TimeSpan.FromMilliseconds(1), time);
            }
        }
        finally
        {
            _letGoPending = false;
        }
    }

    /// <summary>One stream message: whether the stream took it. Never fails a publish, which stands once stored.</summary>
    private async Task<bool> SendOnceAsync(List<TopicEvent> events)
    {
        try
        {
            // Bounded: a stalled stream must not hold the events stored after these for long.
            await send(events).WaitAsync(sendTimeout);
            return true;
        }
        catch (Exception exception)
        {
            // Silos notice the missing positions (the next event's gap, or their periodic head check) and read them from the grain.
            LogStreamSendFailed(exception, topic, events[0].Id, events.Count);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: events from {EventId} ({Count}) are stored but could not be sent on the stream; subscribers will read them from the grain")]
    private partial void LogStreamSendFailed(Exception exception, string topic, string eventId, int count);
}
