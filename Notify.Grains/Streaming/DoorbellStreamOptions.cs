using System.ComponentModel.DataAnnotations;

namespace Notify.Grains.Streaming;

/// <summary>Options of a doorbell memory stream provider (named after the provider).</summary>
public sealed class DoorbellStreamOptions
{
    /// <summary>
    /// How long a reader of an empty queue waits on the doorbell before reading again anyway. Readers
    /// wake as soon as a producer rings, so this bounds only the idle cost (one call per queue per wait)
    /// and how long a lost ring could delay data. Must stay well below Orleans' grain call timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:20")]
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(2);
}
