using Microsoft.Extensions.Logging;
using Notify.Grains.Events;

namespace Notify.Grains.Topics;

/// <summary>What a topic grain logs.</summary>
internal sealed partial class TopicGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Topic {Topic} activated at {Head}")]
    private partial void LogActivated(string topic, EventPosition head);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: the log holds more than this copy (at {Head}); reading the topic from its log again")]
    private partial void LogReloading(string topic, EventPosition head);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: could not read the log again; retrying")]
    private partial void LogCatchUpFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic {Topic}: another activation has taken the topic over; this one stops")]
    private partial void LogFenced(string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Topic {Topic}: storing publishes failed unexpectedly")]
    private partial void LogCommitFailed(Exception exception, string topic);
}
