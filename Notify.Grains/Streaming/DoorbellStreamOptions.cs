using System.ComponentModel.DataAnnotations;

namespace Notify.Grains.Streaming;

/// <summary>Options of a doorbell memory stream provider (named after the provider).</summary>
public sealed class DoorbellStreamOptions
{
    /// <summary>
    /// How long a reader of an empty queue waits for a ring before reading again anyway, and how often it tells the
    /// queue's doorbell that it listens. Readers wake as soon as a producer rings, so this bounds only the idle cost
    /// (a read and a doorbell call per queue per wait) and how long a lost ring could delay data.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:20")]
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(2);
}
