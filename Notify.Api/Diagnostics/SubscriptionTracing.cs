using System.Diagnostics;
using Notify.Grains.Diagnostics;
using Notify.Grains.Events;

namespace Notify.Api.Diagnostics;

/// <summary>
/// The spans of the subscription side: a silo's fan-out of one event (one span per silo and event, never one per
/// connection), the reads that repair a fan-out, and a subscriber's replay. Each is null while nobody traces.
/// </summary>
internal static class SubscriptionTracing
{
    public const string ConnectionsTag = "notify.connections";
    private const string SiloTag = "notify.silo";
    private const string EventIdTag = "notify.event.id";

    /// <summary>
    /// The fan-out of an event that came with its publish's trace (<see cref="TopicEvent.TraceParent"/>), as a child of
    /// the publish: the caller sets <see cref="ConnectionsTag"/> to the number of connections it was queued to.
    /// </summary>
    public static Activity? StartFanout(string topic, string silo, TopicEvent topicEvent)
    {
        if (topicEvent.TraceParent is null
            || !NotifyTelemetry.Source.HasListeners()
            || !ActivityContext.TryParse(topicEvent.TraceParent, null, isRemote: true, out var publish))
        {
            return null;
        }

        var activity = NotifyTelemetry.Source.StartActivity("notify.fanout", ActivityKind.Consumer, publish);
        activity?.SetTag(NotifyTelemetry.TopicTag, topic).SetTag(EventIdTag, topicEvent.Id).SetTag(SiloTag, silo);
        return activity;
    }

    /// <summary>A fan-out reading from the grain what its stream did not bring: inside the fan-out of the event that showed the gap, or a trace of its own.</summary>
    public static Activity? StartRepair(string topic, string silo, EventPosition after)
    {
        var activity = NotifyTelemetry.Source.StartActivity("notify.repair", ActivityKind.Internal);
        activity?.SetTag(NotifyTelemetry.TopicTag, topic).SetTag(SiloTag, silo).SetTag("notify.repair.after", after.ToString());
        return activity;
    }

    /// <summary>A subscriber's replay: its first read from the grain, inside its connection's request.</summary>
    public static Activity? StartReplay(string topic, string? lastEventId)
    {
        var activity = NotifyTelemetry.Source.StartActivity("notify.replay", ActivityKind.Internal);
        activity?.SetTag(NotifyTelemetry.TopicTag, topic).SetTag("notify.resume.from", ClientText.Safe(lastEventId));
        return activity;
    }
}
