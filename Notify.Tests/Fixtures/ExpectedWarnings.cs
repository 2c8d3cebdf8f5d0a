namespace Notify.Tests.Fixtures;

/// <summary>The warnings and errors a fault a test causes on purpose makes the app log: what an operator would see.</summary>
public static class ExpectedWarnings
{
    /// <summary>The store is down: the Redis client, the subscriber-count reporter and refused publishes say so.</summary>
    public static bool StoreOutage(CapturedLogs.Entry entry) =>
        entry.Category.StartsWith("StackExchange.Redis", StringComparison.Ordinal)
        || entry.Category == "Notify.Api.Presence.SubscriberCountReporter"
        || (entry.Category == "Notify.Api.Topics.TopicServices" && entry.Message.Contains(" failed: ", StringComparison.Ordinal));

    /// <summary>A silo's stream subscription was taken away: the fan-out finds its stream behind and subscribes again.</summary>
    public static bool StreamBroken(CapturedLogs.Entry entry) => entry.Category == "Notify.Api.Subscriptions.TopicFanout";

    /// <summary>
    /// Another silo left the cluster (a rolling restart): calls in flight to it fail (Orleans), stream queues it hosted
    /// fail a read or lose their unread messages, which the fan-out repairs from the grain.
    /// </summary>
    public static bool SiloLeft(CapturedLogs.Entry entry) =>
        (entry.Category == "Orleans.Runtime.CallbackData" && entry.Message.StartsWith("The target silo became unavailable", StringComparison.Ordinal))
        || entry.Category.StartsWith("Orleans.Streams.", StringComparison.Ordinal)
        || entry.Category.StartsWith("Orleans.Providers.MemoryAdapterReceiver", StringComparison.Ordinal)
        || StreamBroken(entry);
}
