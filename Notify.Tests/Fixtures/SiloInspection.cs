using Notify.Api.Subscriptions;
using Notify.Grains.Events;
using Notify.Grains.Streaming;
using Orleans.Streams;

namespace Notify.Tests.Fixtures;

/// <summary>Looks inside a running app's silo: its fanouts and its stream subscriptions.</summary>
internal static class SiloInspection
{
    /// <summary>This silo's stream subscriptions to a topic, as Orleans' pub-sub knows them.</summary>
    public static Task<IList<StreamSubscriptionHandle<TopicEvent>>> StreamSubscriptionsAsync(this NotifyApp app, string topic) =>
        app.GetService<IClusterClient>()
            .GetStreamProvider(NotifyProviderNames.Streams)
            .GetStream<TopicEvent>(NotifyStreams.ForTopic(topic))
            .GetAllSubscriptionHandles();

    /// <summary>The silo's fan-out of a topic, or null when it watches the topic no more.</summary>
    public static TopicFanout? FanoutOf(this NotifyApp app, string topic) =>
        app.GetService<SubscriptionRegistry>().Fanouts.SingleOrDefault(f => f.Topic == topic);
}
