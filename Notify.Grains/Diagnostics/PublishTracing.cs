using System.Diagnostics;
using Notify.Grains.Events;
using Notify.Grains.Storage;
using Notify.Grains.Topics;

namespace Notify.Grains.Diagnostics;

/// <summary>
/// Carries a publish's trace from its grain call to the store append and onto the event itself, so each silo's
/// fan-out of the event joins the publish's trace.
/// </summary>
internal static class PublishTracing
{
    /// <summary>
    /// The span of one append to the store: a child of the batch's first publish, linked to the others (several
    /// publishes, several traces, one append). Null while nobody traces.
    /// </summary>
    public static Activity? StartStoreAppend(string topic, List<PendingPublish> batch)
    {
        if (!NotifyTelemetry.Source.HasListeners())
        {
            return null;
        }

        var links = batch.Count > 1
            ? batch.Skip(1).Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace)).ToList()
            : null;
        var activity = NotifyTelemetry.Source.StartActivity("notify.store.append", ActivityKind.Client, batch[0].Trace, links: links);
        activity?.SetTag(NotifyTelemetry.TopicTag, topic);
        activity?.SetTag("notify.store.batch_size", batch.Count);
        return activity;
    }

    /// <summary>
    /// The stored events as the stream carries them: each with the trace context of the publish that created it.
    /// Events without one (nobody traces) are passed as they are.
    /// </summary>
    public static List<TopicEvent> WithPublishTraces(List<TopicEvent> stored, List<PendingPublish> batch, IReadOnlyList<TopicLogAppend> answers)
    {
        if (stored.Count == 0 || batch.TrueForAll(p => p.Trace == default))
        {
            return stored;
        }

        var traces = new Dictionary<EventPosition, ActivityContext>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!answers[i].Replayed && batch[i].Trace != default)
            {
                traces[answers[i].Position] = batch[i].Trace;
            }
        }

        return stored.ConvertAll(e => traces.TryGetValue(e.Position, out var trace) ? e with { TraceParent = TraceParentOf(trace) } : e);
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="context"/>.</summary>
    private static string TraceParentOf(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";
}
