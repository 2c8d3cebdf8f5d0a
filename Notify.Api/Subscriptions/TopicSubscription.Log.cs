using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Api.Subscriptions;

/// <summary>The log lines of a subscription.</summary>
public sealed partial class TopicSubscription
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: resume from {LastEventId} not honoured ({Reason}); continuing after {ContinuesAfter}")]
    private partial void LogReset(string topic, string? lastEventId, ResetReason reason, EventPosition continuesAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: closing a connection at {LastEventId}: {Limit} events were waiting for it")]
    private partial void LogLagged(string topic, EventPosition lastEventId, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: dropping a connection at {LastEventId}: nothing could be sent to it for {WriteTimeout}")]
    private partial void LogDropped(string topic, EventPosition lastEventId, TimeSpan writeTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending the stream of topic {Topic} at {Position}: the topic cannot be served now; the client will reconnect")]
    private partial void LogEndedUnavailable(Exception exception, string topic, EventPosition position);
}
