using System.ComponentModel.DataAnnotations;

namespace Notify.Grains.Streaming;

/// <summary>Options of a long-poll stream provider (named after the provider).</summary>
public sealed class LongPollStreamOptions
{
    /// <summary>
    /// How long one read waits on an empty queue before returning empty. Readers return at once when data
    /// arrives, so this bounds only the idle cost (one grain call per queue per wait), not latency.
    /// Must stay well below Orleans' grain call timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:20")]
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(2);
}
