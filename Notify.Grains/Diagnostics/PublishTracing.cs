using System.Diagnostics;
using Notify.Grains.Events;
using Notify.Grains.Storage;
using Notify.Grains.Topics;

namespace Notify.Grains.Diagnostics;

/// <summary>
/// Carries a publish's trace from its request to the grain's <c>notify.publish</c> span, the store append and onto the
/// event itself, so each silo's fan-out of the event joins the publish's trace.
/// </summary>
internal static class PublishTracing
{
    /// <summary>
    /// The span of one publish in its topic grain, from its arrival to its answer (its wait for a batch, the batch's
    /// append), as a child of the request that made it. Null when the request was not traced or nobody listens here.
    /// </summary>
    public static Activity? StartPublish(string topic, PublishRequest request)
    {
        if (!NotifyTelemetry.Source.HasListeners() || !TryParseParent(request, out var parent))
        {
            return null;
        }

        // Started for the publish's queue, not for the grain call's flow: whatever the call does next is not inside it.
        var previous = Activity.Current;
        var span = NotifyTelemetry.Source.StartActivity("notify.publish", ActivityKind.Server, parent);
        Activity.Current = previous;
        span?.SetTag(NotifyTelemetry.TopicTag, topic);
        return span;
    }

    /// <summary>The trace a publish's append and deliveries join: its span, else its request's (traced, but not listened to here).</summary>
    public static ActivityContext TraceOf(Activity? span, PublishRequest request) =>
        span?.Context ?? (TryParseParent(request, out var parent) ? parent : default);

    /// <summary>Ends a publish's span with its answer.</summary>
    public static void Answered(Activity? span, PublishResult result)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("notify.event.id", result.Position.ToString());
        span.SetTag("notify.publish.replayed", result.Replayed);
        span.Dispose();
    }

    /// <summary>Ends a publish's span that got no event: the store failed, the topic moved, or its caller gave up.</summary>
    public static void NotAnswered(Activity? span, string reason)
    {
        span?.SetStatus(ActivityStatusCode.Error, reason);
        span?.Dispose();
    }

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

    private static bool TryParseParent(PublishRequest request, out ActivityContext parent)
    {
        parent = default;
        return request.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out parent);
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="context"/>.</summary>
    private static string TraceParentOf(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";
}
