namespace Notify.Grains.Streaming;

/// <summary>Where a topic's live events travel: one Orleans stream per topic, on the <see cref="NotifyProviderNames.Streams"/> provider.</summary>
public static class NotifyStreams
{
    /// <summary>The stream namespace; the stream key is the topic id.</summary>
    public const string TopicNamespace = "topic";

    /// <summary>The stream id of a topic's live events.</summary>
    public static StreamId ForTopic(string topic) => StreamId.Create(TopicNamespace, topic);
}
