using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Hosting;

/// <summary>Tuning of the Orleans stream provider that carries events (section <c>Notify:Streams</c>).</summary>
public sealed class StreamOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Streams";

    /// <summary>
    /// How often an idle stream queue is polled. Orleans' default (100 ms) would add up to 100 ms to every
    /// event on a quiet topic; a busy queue is read continuously whatever this is. See docs/architecture.md.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How many queues the memory stream provider spreads topics over (a power of two).</summary>
    [Range(1, 256)]
    public int QueueCount { get; set; } = 4;
}
