namespace Notify.Grains.Streaming;

/// <summary>
/// Names the silos and the AppHost must agree on. Plain constants, no Orleans types, so the AppHost
/// compiles this file in (linked) without referencing the grains.
/// </summary>
public static class NotifyProviderNames
{
    /// <summary>The stream provider that carries published events (Aspire: <c>Orleans__Streaming__TopicStreams__ProviderType</c>).</summary>
    public const string Streams = "TopicStreams";

    /// <summary>The <c>ProviderType</c> of Notify's stream provider: memory streams whose readers wait on a doorbell (see <c>Streaming/</c>).</summary>
    public const string DoorbellStreamsType = "DoorbellMemory";

    /// <summary>The grain storage Orleans' stream pub-sub keeps its subscriptions in (a fixed name in Orleans).</summary>
    public const string PubSubStore = "PubSubStore";
}
