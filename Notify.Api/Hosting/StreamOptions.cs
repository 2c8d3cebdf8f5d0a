using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Hosting;

/// <summary>Tuning of the Orleans stream provider that carries live events (section <c>Notify:Streams</c>).</summary>
/// <remarks>
/// The section also holds the doorbell's own setting, <c>ReadWait</c> (<see cref="Notify.Grains.Streaming.DoorbellStreamOptions"/>).
/// </remarks>
public sealed class StreamOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Streams";

    /// <summary>
    /// How many queues topics are spread over (a power of two); each is read by one silo's pulling agent.
    /// An agent hands its queue's events to subscribers one delivery at a time, so with few queues events of
    /// busy topics wait behind each other: at 2,000 events/s over 1,000 topics, 4 queues gave a 6 ms median
    /// publish-to-receive latency and 8 gave 2 ms (docs/performance.md); more than 8 gained nothing on 2 cores.
    /// </summary>
    [Range(1, 256)]
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// The pulling agent's timer: the pause between one read loop ending (a read came back empty, or a
    /// new stream is being registered) and the next. Events that arrive in that pause wait for it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan PullingPeriod { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How long a silo's stream queue cache keeps an event after handing it on. The cache serves only a consumer that is
    /// behind (a busy or briefly unreachable silo); one further behind than this misses the event on its stream and reads
    /// it from the topic's grain, like any lost stream message. Orleans' memory streams otherwise keep every event for
    /// 30 minutes: at 2,000 events/s that grew a silo by about 0.6 MB/s of 1 MB cache blocks (large objects, each
    /// bringing the next full collection nearer) for half an hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan CacheWindow { get; set; } = TimeSpan.FromSeconds(30);
}
