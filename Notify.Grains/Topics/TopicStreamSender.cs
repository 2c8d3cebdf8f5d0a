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
/// <remarks>Runs in its grain's turns (called from the grain, awaiting on its scheduler): no locks.</remarks>
internal sealed partial class TopicStreamSender(IAsyncStream<TopicEvent> stream, TimeSpan sendTimeout, string topic, ILogger logger)
{
    private List<TopicEvent> _waiting = [];
    private bool _sending;

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
                await SendOnceAsync(events);
            }
        }
        finally
        {
            _sending = false;
        }
    }

    /// <summary>One stream message; never fails a publish, which stands once stored.</summary>
    private async Task SendOnceAsync(List<TopicEvent> events)
    {
        try
        {
            // Bounded: a stalled stream must not hold the events stored after these for long.
            var sending = events.Count == 1 ? stream.OnNextAsync(events[0]) : stream.OnNextBatchAsync(events);
            await sending.WaitAsync(sendTimeout);
        }
        catch (Exception exception)
        {
            // Silos notice the missing positions (the next event's gap, or their periodic head check) and read them from the grain.
            LogStreamSendFailed(exception, topic, events[0].Id, events.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: events from {EventId} ({Count}) are stored but could not be sent on the stream; subscribers will read them from the grain")]
    private partial void LogStreamSendFailed(Exception exception, string topic, string eventId, int count);
}
