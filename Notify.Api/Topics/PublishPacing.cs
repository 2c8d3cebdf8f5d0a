using System.Diagnostics;
using Microsoft.Extensions.Options;
using Notify.Api.Diagnostics;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;

namespace Notify.Api.Topics;

/// <summary>
/// Holds back the answer to a stored publish until this silo's subscribers to the topic have written its event
/// (<see cref="PublishOptions.AnswerAfterLocalWrites"/>), or, with that off, while they are later than
/// <see cref="PublishOptions.PaceAbove"/>. A publisher that waits for its answers, as most do, then publishes at the
/// rate the subscribers are served, and the wait in front of each subscriber stays bounded instead of growing for as
/// long as the publisher outruns them.
/// </summary>
/// <remarks>
/// <para>
/// Waiting for the writes keeps a publisher from getting ahead of them: its next event does not queue behind this one.
/// A writer that coalesces several waiting events into one send does more per send, so answered at storage a silo
/// delivers more events per second past saturation, each one later (docs/performance.md, "Answering after the local
/// writes").
/// </para>
/// <para>
/// Late, with <see cref="PublishOptions.PaceAbove"/>, means either of: the event has not reached this silo's fan-out although it was sent to be stored longer ago
/// than the limit (the stream's queue and the silo's threads are behind), or the subscribers' oldest waiting events are
/// older than the limit (<see cref="TopicFanout.Backlog"/>: their writers are behind).
/// </para>
/// <para>
/// Only the answer waits: the event is stored and on its way already, so nothing is lost and no retry is needed. The
/// wait is bounded (<see cref="PublishOptions.MaxPacingDelay"/>, and the publish's <see cref="PublishOptions.Timeout"/>) and judged by this silo's own subscribers: in a
/// cluster, a publish is paced by the fan-out of the silo that received it, and not at all by a silo without
/// subscribers to the topic.
/// </para>
/// </remarks>
public sealed class PublishPacing(SubscriptionRegistry subscriptions, LocalWriteWaits writeWaits, IOptions<PublishOptions> options, NotifyMetrics metrics)
{
    // Pacing above a lateness is polled: it is for saturation, where a few milliseconds do not matter.
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Waits while the topic's fan-out on this silo is late with <paramref name="stored"/>, the event the publish stored,
    /// sent to the topic at <paramref name="sentAt"/> (a <see cref="Stopwatch"/> timestamp). Answers how long it waited.
    /// </summary>
    public async ValueTask<TimeSpan> WaitAsync(string topic, EventPosition stored, long sentAt, CancellationToken cancellationToken)
    {
        if (options.Value.AnswerAfterLocalWrites)
        {
            return await WaitForWritesAsync(topic, stored, sentAt, cancellationToken);
        }

        var limit = options.Value.PaceAbove;
        if (limit <= TimeSpan.Zero || subscriptions.FindFanout(topic) is not { } fanout || !IsLate(fanout, stored, sentAt, limit))
        {
            return TimeSpan.Zero;
        }

        // Within the publish's own deadline, so that pacing never turns into a timeout at the load balancer.
        var most = Min(options.Value.MaxPacingDelay, options.Value.Timeout - Stopwatch.GetElapsedTime(sentAt));
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (Stopwatch.GetElapsedTime(started) < most && IsLate(fanout, stored, sentAt, limit))
            {
                await Task.Delay(Recheck, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The publisher left; its event is stored all the same.
        }

        var waited = Stopwatch.GetElapsedTime(started);
        metrics.Paced(waited);
        return waited;
    }

    /// <summary>Waits until this silo's subscribers have written <paramref name="stored"/>, within the publish's bounds.</summary>
    private async ValueTask<TimeSpan> WaitForWritesAsync(string topic, EventPosition stored, long sentAt, CancellationToken cancellationToken)
    {
        if (subscriptions.FindFanout(topic) is not { } fanout)
        {
            return TimeSpan.Zero;
        }

        var started = Stopwatch.GetTimestamp();
        var most = Min(options.Value.MaxPacingDelay, options.Value.Timeout - Stopwatch.GetElapsedTime(sentAt));
        if (!await writeWaits.WaitAsync(fanout, stored, most, cancellationToken))
        {
            return TimeSpan.Zero;
        }

        var waited = Stopwatch.GetElapsedTime(started);
        metrics.Paced(waited);
        return waited;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static bool IsLate(TopicFanout fanout, EventPosition stored, long sentAt, TimeSpan limit) =>
        (!fanout.HasPassedOn(stored) && Stopwatch.GetElapsedTime(sentAt) > limit) || fanout.Backlog() > limit;
}
