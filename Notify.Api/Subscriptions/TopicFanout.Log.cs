using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Api.Subscriptions;

/// <summary>What a <see cref="TopicFanout"/> logs.</summary>
public sealed partial class TopicFanout
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Watching topic {Topic} from {Position}")]
    private partial void LogWatching(string topic, EventPosition position);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No longer watching topic {Topic}")]
    private partial void LogUnwatched(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: the stream reported an error")]
    private partial void LogStreamError(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not read missing events from the grain; will retry")]
    private partial void LogRepairFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: the stream is at {Position} but the grain is at {Head}; reading the rest from the grain")]
    private partial void LogStreamBehind(string topic, EventPosition position, EventPosition head);

    [LoggerMessage(Level = LogLevel.Information, Message = "Topic {Topic}: position {Position} could not be continued ({Reason}); passing on from the oldest buffered event")]
    private partial void LogFanoutReset(string topic, EventPosition position, ResetReason reason);
}
