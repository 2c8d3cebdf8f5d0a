namespace Notify.Grains;

/// <summary>Where a topic's live events travel: one Orleans stream per topic.</summary>
public static class NotifyStreams
{
    /// <summary>The stream provider's name.</summary>
    public const string ProviderName = NotifyProviderNames.Streams;

    /// <summary>The grain storage Orleans' stream pub-sub needs.</summary>
    public const string PubSubStoreName = NotifyProviderNames.PubSubStore;

    /// <summary>The stream namespace; the stream key is the topic id.</summary>
    public const string TopicNamespace = "topic";

    /// <summary>The stream id of a topic's live events.</summary>
    public static StreamId ForTopic(string topic) => StreamId.Create(TopicNamespace, topic);
}
